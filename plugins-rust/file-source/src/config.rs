//! The config parts both file plugins have: compression and the incremental block (their
//! serde forms; each plugin's Config embeds them and publishes its own JSON Schema).

use serde::Deserialize;

use crate::error::{Error, Result};

pub const DEFAULT_BATCH_ROWS: usize = 16_384;

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

pub fn default_batch_rows() -> usize {
    DEFAULT_BATCH_ROWS
}

/// The checks of Config::parse both plugins make on `files`, `batch_rows` and
/// `incremental` (in this order; a plugin checks its own keys between them as before).
pub fn check_files(files: &[String]) -> Result<()> {
    if files.is_empty() {
        return Err(Error::config("CONFIG_INVALID", "config.files must name at least one file"));
    }
    Ok(())
}

pub fn check_batch_rows(batch_rows: usize) -> Result<()> {
    if batch_rows == 0 {
        return Err(Error::config("CONFIG_INVALID", "config.batch_rows must be at least 1"));
    }
    Ok(())
}

pub fn check_incremental(incremental: Option<&Incremental>) -> Result<()> {
    if let Some(inc) = incremental {
        if inc.strategy == Strategy::Cursor && inc.cursor_field.as_deref().unwrap_or("").is_empty() {
            return Err(Error::config(
                "CONFIG_INVALID",
                "config.incremental.cursor_field is required with strategy \"cursor\"",
            ));
        }
    }
    Ok(())
}

/// The config's incremental strategy, if any.
pub fn strategy(incremental: Option<&Incremental>) -> Option<Strategy> {
    incremental.map(|i| i.strategy)
}

/// The config's cursor_field, if any.
pub fn cursor_field(incremental: Option<&Incremental>) -> Option<&str> {
    incremental.and_then(|i| i.cursor_field.as_deref())
}
