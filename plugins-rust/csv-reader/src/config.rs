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
    #[serde(default = "default_delimiter")]
    pub delimiter: String,
    #[serde(default = "default_true")]
    pub has_header: bool,
    #[serde(default = "default_batch_rows")]
    pub batch_rows: usize,
    #[serde(default)]
    pub incremental: Option<Incremental>,
    /// Values read as null (every column); the default is the empty value alone.
    #[serde(default = "default_null_values")]
    pub null_values: Vec<String>,
    #[serde(default = "default_quote")]
    pub quote: String,
    /// Escapes a quote inside a quoted value (a doubled quote always does).
    #[serde(default)]
    pub escape: Option<String>,
    /// Lines starting with this character are skipped.
    #[serde(default)]
    pub comment: Option<String>,
    /// Lines skipped at the top of the file, before the header.
    #[serde(default)]
    pub skip_rows: usize,
    #[serde(default)]
    pub compression: Compression,
    #[serde(default)]
    pub encoding: Encoding,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Encoding {
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "latin1")]
    Latin1,
}

fn default_delimiter() -> String {
    ",".into()
}
fn default_null_values() -> Vec<String> {
    vec![String::new()]
}
fn default_quote() -> String {
    "\"".into()
}
fn default_true() -> bool {
    true
}

impl Config {
    /// Parses and checks the config JSON (the host validated it against CONFIG_SCHEMA
    /// already; this repeats what a plugin cannot do without).
    pub fn parse(json: &str) -> Result<Config> {
        let config: Config = serde_json::from_str(json)
            .map_err(|e| Error::config("CONFIG_INVALID", format!("invalid config: {e}")))?;
        check_files(&config.files)?;
        if config.delimiter.len() != 1 {
            return Err(Error::config(
                "CONFIG_INVALID",
                format!("config.delimiter must be one ASCII character, got {:?}", config.delimiter),
            ));
        }
        for (key, value) in [("quote", Some(&config.quote)), ("escape", config.escape.as_ref()), ("comment", config.comment.as_ref())] {
            match value {
                Some(v) if v.len() != 1 || matches!(v.as_bytes()[0], b'\r' | b'\n') => {
                    return Err(Error::config(
                        "CONFIG_INVALID",
                        format!("config.{key} must be one ASCII character other than CR and LF, got {v:?}"),
                    ))
                }
                _ => {}
            }
        }
        check_batch_rows(config.batch_rows)?;
        check_incremental(config.incremental.as_ref())?;
        Ok(config)
    }

    pub fn delimiter_byte(&self) -> u8 {
        self.delimiter.as_bytes()[0]
    }

    pub fn quote_byte(&self) -> u8 {
        self.quote.as_bytes()[0]
    }

    pub fn escape_byte(&self) -> Option<u8> {
        self.escape.as_ref().map(|e| e.as_bytes()[0])
    }

    pub fn comment_byte(&self) -> Option<u8> {
        self.comment.as_ref().map(|c| c.as_bytes()[0])
    }

    /// Whether values other than the empty one are null.
    pub fn default_nulls(&self) -> bool {
        self.null_values.len() == 1 && self.null_values[0].is_empty()
    }

    /// The settings the fast path decodes (the others are arrow-csv's, per file).
    pub fn fast_path_applies(&self) -> bool {
        self.default_nulls() && self.quote == "\"" && self.escape.is_none() && self.comment.is_none()
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
  "title": "csv-reader config",
  "type": "object",
  "additionalProperties": false,
  "required": ["files"],
  "properties": {
    "files": {
      "description": "Guest paths of CSV files (.csv, .csv.gz, .csv.zst); the last path component may contain * wildcards (e.g. /data/*.csv), expanded in sorted order.",
      "type": "array",
      "minItems": 1,
      "items": { "type": "string", "pattern": "^/" }
    },
    "delimiter": { "type": "string", "minLength": 1, "maxLength": 1, "default": "," },
    "has_header": { "type": "boolean", "default": true },
    "batch_rows": { "type": "integer", "minimum": 1, "default": 16384 },
    "null_values": {
      "description": "Values read as null in every column (exact, case-sensitive). Default: the empty value alone; list it too to keep it null, e.g. [\"\", \"NA\"].",
      "type": "array",
      "items": { "type": "string" },
      "default": [""]
    },
    "quote": { "description": "Quotes a value (which may then hold the delimiter, line ends and doubled quotes).", "type": "string", "minLength": 1, "maxLength": 1, "default": "\"" },
    "escape": { "description": "Escapes the next character inside a quoted value, e.g. \\ (a doubled quote works too). Default: none.", "type": "string", "minLength": 1, "maxLength": 1 },
    "comment": { "description": "Lines starting with this character are skipped (whole lines only).", "type": "string", "minLength": 1, "maxLength": 1 },
    "skip_rows": { "description": "Lines skipped at the top of each file, before the header.", "type": "integer", "minimum": 0, "default": 0 },
    "compression": {
      "description": "auto: by extension (.gz gzip, .zst zstd, else none). Compressed files are read as streams.",
      "enum": ["auto", "none", "gzip", "zstd"],
      "default": "auto"
    },
    "encoding": { "description": "The files' text encoding; latin1 is ISO-8859-1. A UTF-8 BOM is skipped.", "enum": ["utf-8", "latin1"], "default": "utf-8" },
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
