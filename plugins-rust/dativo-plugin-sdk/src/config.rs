//! Config parsing: the host hands the config over as JSON text.
//!
//! The host adds keys of its own to a reader's config (`HOST_KEYS`: the job's
//! `source.incremental`). The reader adapter takes them out before the plugin sees the
//! config, unless the plugin's config schema names them under `properties`, so a plugin
//! whose config struct uses `#[serde(deny_unknown_fields)]` runs in a job as it does in
//! `plugin test`. The incremental settings reach the plugin as `ReadRequest::incremental`.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::{PluginError, Result};

/// Keys the host adds to a reader's config beside the plugin's own settings.
pub const HOST_KEYS: &[&str] = &["incremental"];

/// The job's `source.incremental` block (docs/jobs.md), as the host passes it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Incremental {
    /// `cursor` or `file_mtime` (a `full_refresh` job sends no incremental block).
    pub strategy: String,
    #[serde(default)]
    pub cursor_field: Option<String>,
    #[serde(default)]
    pub lookback: Option<String>,
    /// Any other keys of the block, as the job wrote them.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Deserializes the config; a mismatch is a `config` error with code `CONFIG_INVALID`
/// naming the field serde complained about.
pub fn parse<T: DeserializeOwned>(config: &str) -> Result<T> {
    serde_json::from_str(config).map_err(|e| PluginError::config("CONFIG_INVALID", format!("invalid config: {e}")))
}

/// Splits the config the host sent into the plugin's own config (JSON text) and the
/// incremental settings. A host key the schema declares under `properties` stays in the
/// config (the plugin reads it as its own setting); the settings are returned either way.
/// A config that is not a JSON object is returned as it is, for `parse` to refuse.
pub fn split_host_keys(config: &str, schema: &Value) -> Result<(String, Option<Incremental>)> {
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(config) else {
        return Ok((config.to_string(), None));
    };
    // A schema given as JSON text (`CONFIG_SCHEMA.into()`) is read as the object it holds.
    let parsed = match schema {
        Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        other => other.clone(),
    };
    let declared = |key: &str| parsed.get("properties").and_then(Value::as_object).is_some_and(|p| p.contains_key(key));
    let incremental = match map.get("incremental") {
        None | Some(Value::Null) => None,
        // The plugin's own setting, in its own shape (rest-api-reader: cursor_field, param).
        Some(v) if declared("incremental") => Incremental::deserialize(v).ok(),
        Some(v) => Some(Incremental::deserialize(v).map_err(|e| {
            PluginError::config("CONFIG_INVALID", format!("invalid incremental settings: {e}"))
        })?),
    };
    let mut removed = false;
    for key in HOST_KEYS {
        if !declared(key) && map.remove(*key).is_some() {
            removed = true;
        }
    }
    // Unchanged text when nothing was taken out: the plugin parses what the host sent.
    let own = if removed { Value::Object(map).to_string() } else { config.to_string() };
    Ok((own, incremental))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        count: u64,
    }

    const SENT: &str = r#"{"count":3,"incremental":{"strategy":"cursor","cursor_field":"id","param":"since"}}"#;

    #[test]
    fn host_keys_leave_a_config_whose_schema_does_not_name_them() {
        let (own, inc) = split_host_keys(SENT, &json!({"properties": {"count": {}}})).unwrap();
        assert_eq!(parse::<Strict>(&own).unwrap().count, 3);
        let inc = inc.unwrap();
        assert_eq!((inc.strategy.as_str(), inc.cursor_field.as_deref()), ("cursor", Some("id")));
        assert_eq!(inc.other.get("param"), Some(&json!("since")));
        assert!(parse::<Strict>(SENT).is_err(), "the raw config has the host key");
    }

    #[test]
    fn a_declared_host_key_stays_and_other_configs_pass_unchanged() {
        let schema = json!({"properties": {"count": {}, "incremental": {"type": "object"}}});
        let (own, inc) = split_host_keys(SENT, &schema).unwrap();
        assert_eq!(own, SENT);
        assert_eq!(inc.unwrap().strategy, "cursor");
        assert_eq!(split_host_keys(r#"{"count":1}"#, &json!({})).unwrap(), (r#"{"count":1}"#.into(), None));
        assert_eq!(split_host_keys("[1]", &json!({})).unwrap().0, "[1]");
        assert!(split_host_keys(r#"{"incremental":{"cursor_field":1}}"#, &json!({})).is_err());
        let text = Value::String(schema.to_string());
        assert_eq!(split_host_keys(SENT, &text).unwrap().0, SENT);
        // A declared key in the plugin's own shape (no strategy) is the plugin's business.
        let own = r#"{"incremental":{"cursor_field":"id","param":"since"}}"#;
        assert_eq!(split_host_keys(own, &schema).unwrap(), (own.into(), None));
    }
}
