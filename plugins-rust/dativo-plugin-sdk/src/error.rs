//! `PluginError`: the one error a plugin returns, with a constructor per kind of the
//! contract's `error-kind`. The host maps the kind to its error code
//! (`auth` -> PLUGIN_AUTH, `rate-limited` -> PLUGIN_RATE_LIMITED, ...) and retries on
//! `retryable`.

use std::fmt;

use crate::bindings::wit;

/// The contract's error kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The config is wrong (missing field, bad URL, unknown stream): terminal.
    Config,
    /// Credentials are missing or refused: terminal.
    Auth,
    /// The source could not be reached or failed transiently: retryable by default.
    Connection,
    /// The source asked to slow down: retryable, with a delay when known.
    RateLimited,
    /// The data is malformed: terminal.
    Data,
    /// The plugin does not do what was asked (an encoding, a mode): terminal.
    NotSupported,
    /// A bug or an unexpected failure inside the plugin.
    Internal,
}

/// A typed plugin error. `code` is stable and machine-readable (for example
/// `HTTP_429`, `CONFIG_INVALID`); `message` is for people and never holds secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginError {
    pub kind: ErrorKind,
    pub code: String,
    pub message: String,
    pub retryable: bool,
    pub retry_after_ms: Option<u64>,
}

pub type Result<T, E = PluginError> = std::result::Result<T, E>;

impl PluginError {
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        let retryable = matches!(kind, ErrorKind::Connection | ErrorKind::RateLimited);
        PluginError { kind, code: code.into(), message: message.into(), retryable, retry_after_ms: None }
    }

    pub fn config(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, code, message)
    }

    pub fn auth(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, code, message)
    }

    /// Retryable.
    pub fn connection(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Connection, code, message)
    }

    /// Retryable; `retry_after_ms` tells the host how long to wait, when known.
    pub fn rate_limited(code: impl Into<String>, message: impl Into<String>, retry_after_ms: Option<u64>) -> Self {
        PluginError { retry_after_ms, ..Self::new(ErrorKind::RateLimited, code, message) }
    }

    pub fn data(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Data, code, message)
    }

    pub fn not_supported(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotSupported, code, message)
    }

    pub fn internal(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, code, message)
    }

    /// Overrides the kind's default retryability.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    pub fn with_retry_after_ms(mut self, ms: Option<u64>) -> Self {
        self.retry_after_ms = ms;
        self
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)
    }
}

impl std::error::Error for PluginError {}

impl From<PluginError> for wit::PluginError {
    fn from(e: PluginError) -> Self {
        wit::PluginError {
            kind: match e.kind {
                ErrorKind::Config => wit::ErrorKind::Config,
                ErrorKind::Auth => wit::ErrorKind::Auth,
                ErrorKind::Connection => wit::ErrorKind::Connection,
                ErrorKind::RateLimited => wit::ErrorKind::RateLimited,
                ErrorKind::Data => wit::ErrorKind::Data,
                ErrorKind::NotSupported => wit::ErrorKind::NotSupported,
                ErrorKind::Internal => wit::ErrorKind::Internal,
            },
            code: e.code,
            message: e.message,
            retryable: e.retryable,
            retry_after_ms: e.retry_after_ms,
        }
    }
}

impl From<wit::PluginError> for PluginError {
    fn from(e: wit::PluginError) -> Self {
        PluginError {
            kind: match e.kind {
                wit::ErrorKind::Config => ErrorKind::Config,
                wit::ErrorKind::Auth => ErrorKind::Auth,
                wit::ErrorKind::Connection => ErrorKind::Connection,
                wit::ErrorKind::RateLimited => ErrorKind::RateLimited,
                wit::ErrorKind::Data => ErrorKind::Data,
                wit::ErrorKind::NotSupported => ErrorKind::NotSupported,
                wit::ErrorKind::Internal => ErrorKind::Internal,
            },
            code: e.code,
            message: e.message,
            retryable: e.retryable,
            retry_after_ms: e.retry_after_ms,
        }
    }
}

impl From<serde_json::Error> for PluginError {
    fn from(e: serde_json::Error) -> Self {
        PluginError::data("JSON_INVALID", e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_the_contract_with_default_retryability() {
        let e: wit::PluginError = PluginError::rate_limited("HTTP_429", "slow down", Some(1500)).into();
        assert_eq!(e.kind, wit::ErrorKind::RateLimited);
        assert!(e.retryable);
        assert_eq!(e.retry_after_ms, Some(1500));
        let e: wit::PluginError = PluginError::auth("HTTP_401", "no").into();
        assert_eq!((e.kind, e.retryable), (wit::ErrorKind::Auth, false));
        assert!(PluginError::connection("X", "y").retryable);
        assert!(!PluginError::config("X", "y").retryable);
        assert_eq!(PluginError::not_supported("X", "y").kind, ErrorKind::NotSupported);
        let back: PluginError = wit::PluginError::from(PluginError::data("D", "m")).into();
        assert_eq!(back, PluginError::data("D", "m"));
    }
}
