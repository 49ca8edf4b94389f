//! The config of rest-api-reader and its JSON Schema.

use std::collections::BTreeMap;

use dativo_plugin_sdk::http::{AuthConfig, Pagination};
use dativo_plugin_sdk::{config, PluginError, Result};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// scheme://host[:port][/prefix]; its origin must be in capabilities.http.
    pub base_url: String,
    /// The listing's path under base_url, e.g. "/v1/items".
    #[serde(default)]
    pub path: String,
    /// The stream's name (default: the last segment of path).
    pub stream: Option<String>,
    /// Fixed query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Fixed request headers (no credentials here: use auth).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default = "no_auth")]
    pub auth: AuthConfig,
    #[serde(default)]
    pub pagination: PaginationConfig,
    pub incremental: Option<Incremental>,
    #[serde(default)]
    pub primary_key: Vec<String>,
    /// Client-side rate limit (requests per second; 0 or absent: none).
    pub requests_per_second: Option<f64>,
    /// Attempts per request, the first included (default 5).
    pub max_attempts: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaginationConfig {
    #[serde(flatten)]
    pub strategy: Pagination,
    /// JSON pointer of the records array in a page ("" = the body is the array).
    #[serde(default)]
    pub records_pointer: String,
}

impl Default for PaginationConfig {
    fn default() -> Self {
        PaginationConfig { strategy: Pagination::None, records_pointer: String::new() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incremental {
    /// The record field whose maximum is the checkpoint.
    pub cursor_field: String,
    /// The query parameter that asks the API for records after the checkpoint.
    pub param: String,
}

fn no_auth() -> AuthConfig {
    AuthConfig::None
}

impl Config {
    pub fn parse(text: &str) -> Result<Config> {
        let c: Config = config::parse(text)?;
        if !(c.base_url.starts_with("http://") || c.base_url.starts_with("https://")) {
            return Err(PluginError::config("CONFIG_INVALID", format!("base_url must start with http:// or https://, got {:?}", c.base_url)));
        }
        Ok(c)
    }

    pub fn stream_name(&self) -> String {
        self.stream.clone().unwrap_or_else(|| {
            let last = self.path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            let name: String = last.split('?').next().unwrap_or("").chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
            if name.is_empty() { "records".into() } else { name }
        })
    }
}

pub fn schema() -> Value {
    json!({
        "type": "object",
        "required": ["base_url"],
        "additionalProperties": false,
        "properties": {
            "base_url": {"type": "string", "description": "scheme://host[:port][/prefix]; its origin must be in the manifest's capabilities.http"},
            "path": {"type": "string"},
            "stream": {"type": "string"},
            "query": {"type": "object", "additionalProperties": {"type": "string"}},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "auth": AuthConfig::json_schema(),
            "pagination": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"enum": ["none", "cursor", "offset", "page_number", "link_header"]},
                    "records_pointer": {"type": "string"},
                    "cursor_param": {"type": "string"},
                    "next_cursor_pointer": {"type": "string"},
                    "offset_param": {"type": "string"},
                    "limit_param": {"type": "string"},
                    "limit": {"type": "integer", "minimum": 1},
                    "page_param": {"type": "string"},
                    "start": {"type": "integer"},
                    "page_size_param": {"type": "string"},
                    "page_size": {"type": "integer", "minimum": 1}
                }
            },
            "incremental": {
                "type": "object",
                "required": ["cursor_field", "param"],
                "properties": {"cursor_field": {"type": "string"}, "param": {"type": "string"}}
            },
            "primary_key": {"type": "array", "items": {"type": "string"}},
            "requests_per_second": {"type": "number", "minimum": 0},
            "max_attempts": {"type": "integer", "minimum": 1}
        }
    })
}
