//! The plugin config (JSON) and its JSON Schema, as spec() publishes it.

use serde::Deserialize;

use file_source::config::{check_batch_rows, check_files, check_incremental, default_batch_rows};
pub use file_source::config::{Compression, Incremental, Strategy};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Guest paths; the last component may hold `*` wildcards.
    pub files: Vec<String>,
    #[serde(default = "default_batch_rows")]
    pub batch_rows: usize,
    #[serde(default)]
    pub compression: Compression,
    #[serde(default)]
    pub incremental: Option<Incremental>,
}

impl Config {
    /// Parses and checks the config JSON (the host validated it against CONFIG_SCHEMA
    /// already; this repeats what a plugin cannot do without).
    pub fn parse(json: &str) -> Result<Config> {
        let config: Config = serde_json::from_str(json)
            .map_err(|e| Error::config("CONFIG_INVALID", format!("invalid config: {e}")))?;
        check_files(&config.files)?;
        check_batch_rows(config.batch_rows)?;
        check_incremental(config.incremental.as_ref())?;
        Ok(config)
    }

    pub fn strategy(&self) -> Option<Strategy> {
        file_source::config::strategy(self.incremental.as_ref())
    }

    pub fn cursor_field(&self) -> Option<&str> {
        file_source::config::cursor_field(self.incremental.as_ref())
    }
}

/// JSON Schema of Config.
pub const CONFIG_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "jsonl-reader config",
  "type": "object",
  "additionalProperties": false,
  "required": ["files"],
  "properties": {
    "files": {
      "description": "Guest paths of JSON Lines files (.jsonl, .ndjson, optionally .gz or .zst); the last path component may contain * wildcards, expanded in sorted order.",
      "type": "array",
      "minItems": 1,
      "items": { "type": "string", "pattern": "^/" }
    },
    "batch_rows": { "type": "integer", "minimum": 1, "default": 16384 },
    "compression": {
      "description": "auto: by extension (.gz gzip, .zst zstd, else none). Compressed files are read as streams.",
      "enum": ["auto", "none", "gzip", "zstd"],
      "default": "auto"
    },
    "incremental": {
      "type": "object",
      "additionalProperties": false,
      "required": ["strategy"],
      "properties": {
        "strategy": { "enum": ["file_mtime", "cursor"] },
        "cursor_field": { "type": "string", "minLength": 1 }
      },
      "if": { "properties": { "strategy": { "const": "cursor" } } },
      "then": { "required": ["strategy", "cursor_field"] }
    }
  }
}"#;
