//! Authentication headers whose credential comes from the secrets interface (never
//! from the config, never logged).

use std::fmt;

use serde::Deserialize;

use crate::{secrets, Result};

/// A credential, applied as one request header.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic base64(user:password)`.
    Basic { username: String, password: String },
    /// `<header>: <key>` (for example `X-API-Key`).
    ApiKey { header: String, key: String },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => write!(f, "Bearer(<redacted>)"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}, <redacted>)"),
            Auth::ApiKey { header, .. } => write!(f, "ApiKey({header}, <redacted>)"),
        }
    }
}

impl Auth {
    /// A bearer token read from secret `secret`.
    pub fn bearer_from_secret(secret: &str) -> Result<Self> {
        Ok(Auth::Bearer(secrets::get(secret)?))
    }

    /// Basic auth: `username` from the config, the password from secret `password_secret`.
    pub fn basic_from_secret(username: &str, password_secret: &str) -> Result<Self> {
        Ok(Auth::Basic { username: username.to_string(), password: secrets::get(password_secret)? })
    }

    /// An API key header read from secret `secret`.
    pub fn api_key_from_secret(header: &str, secret: &str) -> Result<Self> {
        Ok(Auth::ApiKey { header: header.to_string(), key: secrets::get(secret)? })
    }

    /// The header (name, value) this credential adds.
    pub fn header(&self) -> (String, String) {
        match self {
            Auth::Bearer(token) => ("authorization".into(), format!("Bearer {token}")),
            Auth::Basic { username, password } => {
                ("authorization".into(), format!("Basic {}", base64(format!("{username}:{password}").as_bytes())))
            }
            Auth::ApiKey { header, key } => (header.to_ascii_lowercase(), key.clone()),
        }
    }
}

/// The usual `auth` section of a plugin config:
/// `{"type": "bearer", "secret": "api_token"}`,
/// `{"type": "basic", "username": "me", "secret": "password"}`,
/// `{"type": "api_key", "header": "X-API-Key", "secret": "api_key"}` or `{"type": "none"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthConfig {
    None,
    Bearer { secret: String },
    Basic { username: String, secret: String },
    ApiKey { #[serde(default = "default_api_key_header")] header: String, secret: String },
}

fn default_api_key_header() -> String {
    "X-API-Key".into()
}

impl AuthConfig {
    /// Reads the secret and builds the credential (None for `none`).
    pub fn resolve(&self) -> Result<Option<Auth>> {
        Ok(match self {
            AuthConfig::None => None,
            AuthConfig::Bearer { secret } => Some(Auth::bearer_from_secret(secret)?),
            AuthConfig::Basic { username, secret } => Some(Auth::basic_from_secret(username, secret)?),
            AuthConfig::ApiKey { header, secret } => Some(Auth::api_key_from_secret(header, secret)?),
        })
    }

    /// The JSON Schema of this section, for a plugin's config schema.
    pub fn json_schema() -> serde_json::Value {
        serde_json::json!({
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"enum": ["none", "bearer", "basic", "api_key"]},
                "secret": {"type": "string", "description": "name of the secret holding the token, password or key"},
                "username": {"type": "string"},
                "header": {"type": "string"}
            }
        })
    }
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_redaction() {
        assert_eq!(Auth::Bearer("t0k".into()).header(), ("authorization".into(), "Bearer t0k".into()));
        let basic = Auth::Basic { username: "Aladdin".into(), password: "open sesame".into() };
        assert_eq!(basic.header().1, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(Auth::ApiKey { header: "X-API-Key".into(), key: "k".into() }.header(), ("x-api-key".into(), "k".into()));
        assert!(!format!("{basic:?}").contains("sesame"));
        assert_eq!([base64(b""), base64(b"f"), base64(b"fo"), base64(b"foo")], ["", "Zg==", "Zm8=", "Zm9v"]);
    }

    #[test]
    fn config_section_parses() {
        let c: AuthConfig = serde_json::from_str(r#"{"type":"api_key","secret":"k"}"#).unwrap();
        assert!(matches!(c, AuthConfig::ApiKey { ref header, .. } if header == "X-API-Key"));
        let c: AuthConfig = serde_json::from_str(r#"{"type":"bearer","secret":"api_token"}"#).unwrap();
        assert!(matches!(c, AuthConfig::Bearer { .. }));
        assert!(serde_json::from_str::<AuthConfig>(r#"{"type":"bearer","token":"inline"}"#).is_err());
    }
}
