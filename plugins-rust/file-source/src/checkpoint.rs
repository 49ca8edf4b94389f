//! The checkpoint: opaque JSON for the host, one shape per incremental strategy.
//!
//!   file_mtime: {"strategy":"file_mtime","files":{"/data/a.csv":"1732500000123456789"}}
//!               (modification times in ns, as strings: JSON numbers lose precision
//!               beyond 2^53 once a JavaScript host parses them)
//!   cursor:     {"strategy":"cursor","cursor_field":"ordered_at","max":"2024-05-01T10:00:00.000000Z"}
//!               (max is a number for integer and number cursors within 2^53, else a string)

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::config::Strategy;
use crate::error::{Error, Result};

/// What the last committed checkpoint says, for the configured strategy.
#[derive(Debug, Clone, PartialEq)]
pub enum Checkpoint {
    /// No incremental config, or no checkpoint yet.
    None,
    /// file_mtime: path -> mtime (ns) of every file read completely.
    Files(BTreeMap<String, u128>),
    /// cursor: the largest cursor value read so far, as JSON.
    Cursor(Value),
}

fn invalid(why: impl std::fmt::Display) -> Error {
    Error::config(
        "CHECKPOINT_INVALID",
        format!("the stream's checkpoint does not fit this config ({why}); reset the stream's state to read it again from the start"),
    )
}

/// `strategy` and `cursor_field` are the config's (None: no incremental block).
pub fn parse(text: Option<&str>, strategy: Option<Strategy>, cursor_field: Option<&str>) -> Result<Checkpoint> {
    let (Some(text), Some(strategy)) = (text, strategy) else {
        return Ok(Checkpoint::None);
    };
    let value: Value = serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let found = value.get("strategy").and_then(Value::as_str).unwrap_or("");
    match strategy {
        Strategy::FileMtime => {
            if found != "file_mtime" {
                return Err(invalid(format!("strategy {found:?}, config says \"file_mtime\"")));
            }
            let files = value.get("files").and_then(Value::as_object).ok_or_else(|| invalid("no \"files\" map"))?;
            let mut out = BTreeMap::new();
            for (path, mtime) in files {
                let ns = match mtime {
                    Value::String(s) => s.parse::<u128>().ok(),
                    Value::Number(n) => n.as_u64().map(u128::from),
                    _ => None,
                }
                .ok_or_else(|| invalid(format!("mtime of {path} is not a number of ns")))?;
                out.insert(path.clone(), ns);
            }
            Ok(Checkpoint::Files(out))
        }
        Strategy::Cursor => {
            if found != "cursor" {
                return Err(invalid(format!("strategy {found:?}, config says \"cursor\"")));
            }
            let field = value.get("cursor_field").and_then(Value::as_str).unwrap_or("");
            if Some(field) != cursor_field {
                return Err(invalid(format!("cursor_field {field:?}, config says {:?}", cursor_field.unwrap_or(""))));
            }
            match value.get("max") {
                None | Some(Value::Null) => Ok(Checkpoint::None),
                Some(max) => Ok(Checkpoint::Cursor(max.clone())),
            }
        }
    }
}

pub fn files_json(files: &BTreeMap<String, u128>) -> String {
    let map: Map<String, Value> = files.iter().map(|(p, ns)| (p.clone(), Value::String(ns.to_string()))).collect();
    json!({"strategy": "file_mtime", "files": map}).to_string()
}

pub fn cursor_json(field: &str, max: &Value) -> String {
    json!({"strategy": "cursor", "cursor_field": field, "max": max}).to_string()
}
