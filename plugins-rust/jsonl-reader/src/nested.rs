//! Struct and List columns: a contract's object property with nested "properties" and its
//! array property with "items" (JSON Schema), decoded natively by arrow-json. Nested fields
//! and list items are nullable (a missing key is null), as the host types them.

use arrow_schema::{DataType, Field, Fields};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::json_text;

/// The item field name of a List (the host's and Parquet's convention).
const ITEM: &str = "item";

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// An object schema with "properties" or an array schema with "items".
pub fn is_nested(schema: &Value) -> bool {
    let t = types(schema);
    (t.contains(&"object") && schema.get("properties").is_some_and(Value::is_object))
        || (t.contains(&"array") && schema.get("items").is_some_and(Value::is_object))
}

/// The Arrow type of a nested property schema; `path` names it in errors (a.b[]).
pub fn data_type(schema: &Value, path: &str) -> Result<DataType> {
    let t = types(schema);
    if t.contains(&"object") {
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let fields = props
                .iter()
                .map(|(name, s)| child(name, s, &format!("{path}.{name}")))
                .collect::<Result<Vec<Field>>>()?;
            return Ok(DataType::Struct(Fields::from(fields)));
        }
    }
    if t.contains(&"array") {
        if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
            return Ok(DataType::List(child(ITEM, items, &format!("{path}[]"))?.into()));
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    Ok(if t.contains(&"integer") {
        if format == Some("int32") { DataType::Int32 } else { DataType::Int64 }
    } else if t.contains(&"number") {
        DataType::Float64
    } else if t.contains(&"boolean") {
        DataType::Boolean
    } else if t.contains(&"string") {
        match format {
            None => DataType::Utf8,
            Some("date") => DataType::Date32,
            Some(f) => {
                return Err(Error::config(
                    "SCHEMA_UNSUPPORTED",
                    format!("read-request schema: nested field {path}: format {f:?} is not read inside an object or array"),
                ))
            }
        }
    } else {
        // An object or array without a nested definition, or any value: JSON text.
        DataType::Utf8
    })
}

/// A nested field; one typed as no string but read as Utf8 is marked as JSON text.
fn child(name: &str, schema: &Value, path: &str) -> Result<Field> {
    let ty = data_type(schema, path)?;
    let text = ty == DataType::Utf8 && !types(schema).contains(&"string");
    let field = Field::new(name, ty, true);
    Ok(if text { json_text::mark(field) } else { field })
}

/// The JSON Schema of a nested Arrow type (for the plugin's discovery output).
pub fn json_schema(ty: &DataType) -> Value {
    match ty {
        DataType::Struct(fields) => {
            let props: serde_json::Map<String, Value> =
                fields.iter().map(|f| (f.name().clone(), nullable(json_schema(f.data_type())))).collect();
            json!({"type": "object", "properties": props})
        }
        DataType::List(item) => json!({"type": "array", "items": nullable(json_schema(item.data_type()))}),
        DataType::Int32 => json!({"type": "integer", "format": "int32"}),
        DataType::Int64 => json!({"type": "integer"}),
        DataType::Float64 => json!({"type": "number"}),
        DataType::Boolean => json!({"type": "boolean"}),
        DataType::Date32 => json!({"type": "string", "format": "date"}),
        _ => json!({"type": "string"}),
    }
}

fn nullable(mut schema: Value) -> Value {
    if let Some(t) = schema.get("type").cloned() {
        schema["type"] = json!([t, "null"]);
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(schema: &str) -> Result<DataType> {
        data_type(&serde_json::from_str(schema).unwrap(), "c")
    }

    #[test]
    fn struct_and_list_types() {
        let s = ty(r#"{"type":"object","properties":{"a":{"type":["integer","null"],"format":"int32"},
            "b":{"type":"array","items":{"type":"object","properties":{"d":{"type":"string","format":"date"}}}},
            "j":{"type":["object","null"]}}}"#)
        .unwrap();
        let DataType::Struct(fields) = &s else { panic!("{s:?}") };
        assert_eq!(fields[0].data_type(), &DataType::Int32);
        let item = Field::new("d", DataType::Date32, true);
        let list = DataType::List(Field::new(ITEM, DataType::Struct(vec![item].into()), true).into());
        assert_eq!(fields[1].data_type(), &list);
        assert!(fields.iter().all(|f| f.is_nullable()));
        assert_eq!((fields[2].data_type(), fields[2].metadata().len()), (&DataType::Utf8, 1), "untyped: JSON text");
        assert_eq!(fields[0].metadata().len(), 0);
        assert!(is_nested(&serde_json::from_str(r#"{"type":["array","null"],"items":{}}"#).unwrap()));
        assert!(!is_nested(&serde_json::from_str(r#"{"type":"object"}"#).unwrap()));
        assert_eq!(json_schema(&s)["properties"]["b"]["items"]["type"], json!(["object", "null"]));
    }

    #[test]
    fn refuses_nested_formats_it_cannot_produce() {
        let e = ty(r#"{"type":"object","properties":{"at":{"type":"string","format":"date-time"}}}"#).unwrap_err();
        assert_eq!(e.code, "SCHEMA_UNSUPPORTED");
        assert!(e.message.contains("nested field c.at: format \"date-time\""), "{}", e.message);
        assert!(ty(r#"{"type":"array","items":{"type":"string","format":"decimal"}}"#).unwrap_err().message.contains("c[]"));
    }
}
