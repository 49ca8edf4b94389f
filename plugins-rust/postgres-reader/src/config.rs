//! The plugin's config and its JSON Schema.

use std::collections::BTreeMap;

use dativo_plugin_sdk::{config, PluginError, Result};
use serde::Deserialize;

use crate::types::quote_ident;

pub const CONFIG_SCHEMA: &str = r#"{
  "type": "object",
  "required": ["host", "database", "user"],
  "additionalProperties": false,
  "properties": {
    "host": {"type": "string", "description": "server address or name; capabilities.tcp must grant host:port"},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 5432},
    "database": {"type": "string"},
    "user": {"type": "string"},
    "password_secret": {"type": "string", "default": "pg_password", "description": "the secret holding the password"},
    "schema": {"type": "string", "default": "public", "description": "schema of discover and of unqualified tables"},
    "tables": {"type": "object", "additionalProperties": {"type": "string"}, "description": "stream -> table ([schema.]table); default: the stream's name"},
    "queries": {"type": "object", "additionalProperties": {"type": "string"}, "description": "stream -> SELECT query, read instead of a table"},
    "batch_rows": {"type": "integer", "minimum": 1, "default": 50000},
    "cdc": {"type": "object", "required": ["publication"], "additionalProperties": false,
      "description": "read changes by logical replication (pgoutput) instead of rows",
      "properties": {
        "publication": {"type": "string"},
        "slot": {"type": "string", "description": "replication slot; default dativo_<stream>; created when missing"}
      }}
  }
}"#;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    pub database: String,
    pub user: String,
    #[serde(default = "default_secret")]
    pub password_secret: String,
    #[serde(default = "default_schema")]
    pub schema: String,
    #[serde(default)]
    pub tables: BTreeMap<String, String>,
    #[serde(default)]
    pub queries: BTreeMap<String, String>,
    #[serde(default = "default_batch_rows")]
    pub batch_rows: usize,
    #[serde(default)]
    pub cdc: Option<Cdc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cdc {
    pub publication: String,
    #[serde(default)]
    pub slot: Option<String>,
}

fn default_port() -> u16 {
    5432
}
fn default_secret() -> String {
    "pg_password".into()
}
fn default_schema() -> String {
    "public".into()
}
fn default_batch_rows() -> usize {
    50_000
}

/// What a stream reads: the FROM item of its SELECT.
pub enum Source {
    Table(String),
    Query(String),
}

impl Source {
    /// SQL for the FROM clause.
    pub fn from_sql(&self) -> String {
        match self {
            Source::Table(t) => t.clone(),
            Source::Query(q) => format!("({}) AS q", q.trim().trim_end_matches(';')),
        }
    }
}

impl Config {
    pub fn parse(text: &str) -> Result<Config> {
        let c: Config = config::parse(text)?;
        if c.batch_rows == 0 {
            return Err(PluginError::config("CONFIG_INVALID", "batch_rows must be at least 1"));
        }
        Ok(c)
    }

    /// The (schema, table) a stream reads, unquoted; None for a query stream.
    pub fn table(&self, stream: &str) -> Option<(String, String)> {
        if self.queries.contains_key(stream) {
            return None;
        }
        let table = self.tables.get(stream).map(String::as_str).unwrap_or(stream);
        Some(match table.split_once('.') {
            Some((s, t)) => (s.to_string(), t.to_string()),
            None => (self.schema.clone(), table.to_string()),
        })
    }

    /// The stream's source: its query, its mapped table, or the table of its name.
    pub fn source(&self, stream: &str) -> Source {
        if let Some(q) = self.queries.get(stream) {
            return Source::Query(q.clone());
        }
        let table = self.tables.get(stream).map(String::as_str).unwrap_or(stream);
        let qualified = match table.split_once('.') {
            Some((s, t)) => format!("{}.{}", quote_ident(s), quote_ident(t)),
            None => format!("{}.{}", quote_ident(&self.schema), quote_ident(table)),
        };
        Source::Table(qualified)
    }
}
