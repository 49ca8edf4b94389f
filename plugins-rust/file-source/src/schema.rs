//! The JSON Schema of one record, both ways: a contract's schema read property by
//! property, and a stream's columns written as one. Each plugin keeps its own column
//! types and maps a property's types to them.

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};

/// One property of a contract's JSON Schema of a record.
pub struct Property<'a> {
    pub name: &'a str,
    /// Its "type" (a string or a list of them; empty when absent).
    pub types: Vec<&'a str>,
    pub format: Option<&'a str>,
    /// Not required, or "null" among its types.
    pub nullable: bool,
    /// The property's whole schema (nested "properties" / "items").
    pub schema: &'a Value,
}

/// A column per property of the read-request schema, in property order (SCHEMA_INVALID
/// when it is not JSON, not an object schema or has no properties).
pub fn from_json_schema<T>(text: &str, mut column: impl FnMut(&Property<'_>) -> T) -> Result<Vec<T>> {
    let invalid = |why: String| Error::config("SCHEMA_INVALID", format!("read-request schema: {why}"));
    let schema: Value = serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("expected an object schema with \"properties\"".into()))?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut columns = Vec::with_capacity(properties.len());
    for (name, prop) in properties {
        let types: Vec<&str> = match prop.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let format = prop.get("format").and_then(Value::as_str);
        let nullable = !required.contains(&name.as_str()) || types.contains(&"null");
        columns.push(column(&Property { name, types, format, nullable, schema: prop }));
    }
    if columns.is_empty() {
        return Err(invalid("no properties".into()));
    }
    Ok(columns)
}

/// JSON Schema of one record from (name, property schema, nullable) per column.
pub fn to_json_schema<'a>(columns: impl IntoIterator<Item = (&'a str, Value, bool)>) -> Value {
    let mut properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    for (name, schema, nullable) in columns {
        properties.insert(name.to_string(), schema);
        if !nullable {
            required.push(name);
        }
    }
    json!({"type": "object", "properties": properties, "required": required})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_in_order() {
        let text = r#"{"properties":{"id":{"type":"integer"},"at":{"type":["string","null"],"format":"date-time"},"x":{}},"required":["id","at"]}"#;
        let props = from_json_schema(text, |p| (p.name.to_string(), p.types.join("|"), p.format.map(str::to_string), p.nullable)).unwrap();
        assert_eq!(
            props,
            vec![
                ("id".into(), "integer".into(), None, false),
                ("at".into(), "string|null".into(), Some("date-time".into()), true),
                ("x".into(), "".into(), None, true),
            ]
        );
        let err = from_json_schema(r#"{"properties":{}}"#, |_| ()).unwrap_err();
        assert_eq!((err.code, err.message.as_str()), ("SCHEMA_INVALID", "read-request schema: no properties"));
        assert_eq!(from_json_schema("[]", |_| ()).unwrap_err().code, "SCHEMA_INVALID");
    }

    #[test]
    fn record_schema() {
        let schema = to_json_schema([("b", json!({"type": "integer"}), false), ("a", json!({}), true)]);
        assert_eq!(schema.to_string(), r#"{"type":"object","properties":{"b":{"type":"integer"},"a":{}},"required":["b"]}"#);
    }
}
