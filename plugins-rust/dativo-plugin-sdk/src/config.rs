//! Config parsing: the host hands the config over as JSON text.

use serde::de::DeserializeOwned;

use crate::{PluginError, Result};

/// Deserializes the config; a mismatch is a `config` error with code `CONFIG_INVALID`
/// naming the field serde complained about.
pub fn parse<T: DeserializeOwned>(config: &str) -> Result<T> {
    serde_json::from_str(config).map_err(|e| PluginError::config("CONFIG_INVALID", format!("invalid config: {e}")))
}
