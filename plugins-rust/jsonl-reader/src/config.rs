//! The plugin config (JSON) and its JSON Schema, as spec() publishes it.

use serde::Deserialize;

use crate::error::{Error, Result};

pub const DEFAULT_BATCH_ROWS: usize = 16_384;

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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    /// By extension: .gz gzip, .zst zstd, else none.
    #[default]
    Auto,
    None,
    Gzip,
    Zstd,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incremental {
    pub strategy: Strategy,
    #[serde(default)]
    pub cursor_field: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Skip files already read with the same modification time.
    FileMtime,
    /// Only rows whose cursor_field is greater than the checkpoint's.
    Cursor,
}

fn default_batch_rows() -> usize {
    DEFAULT_BATCH_ROWS
}

impl Config {
    /// Parses and checks the config JSON (the host validated it against CONFIG_SCHEMA
    /// already; this repeats what a plugin cannot do without).
    pub fn parse(json: &str) -> Result<Config> {
        let config: Config = serde_json::from_str(json)
            .map_err(|e| Error::config("CONFIG_INVALID", format!("invalid config: {e}")))?;
        if config.files.is_empty() {
            return Err(Error::config("CONFIG_INVALID", "config.files must name at least one file"));
        }
        if config.batch_rows == 0 {
            return Err(Error::config("CONFIG_INVALID", "config.batch_rows must be at least 1"));
        }
        if let Some(inc) = &config.incremental {
            if inc.strategy == Strategy::Cursor && inc.cursor_field.as_deref().unwrap_or("").is_empty() {
                return Err(Error::config(
                    "CONFIG_INVALID",
                    "config.incremental.cursor_field is required with strategy \"cursor\"",
                ));
            }
        }
        Ok(config)
    }

    pub fn strategy(&self) -> Option<Strategy> {
        self.incremental.as_ref().map(|i| i.strategy)
    }

    pub fn cursor_field(&self) -> Option<&str> {
        self.incremental.as_ref().and_then(|i| i.cursor_field.as_deref())
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
