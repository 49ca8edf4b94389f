//! Integer widths the contract asks for: the record JSON Schema the host hands over says
//! `"type": "integer"` (Int64 in the host) or adds `"format": "int32"` (Int32). A smallint
//! or integer column is widened here to that width, so the host receives the contract's
//! type and passes the batch on as it is, instead of casting and re-encoding every batch.
//! Only widening: a bigint under an int32 field stays Int64, and the host narrows it (a
//! value out of range is then a row failure it reports, not a failed read).

use serde_json::Value;

use crate::types::{ColumnKind, Kind};

/// The kind each column is built as: `kinds[i]`, or the wider integer its field asks for.
pub fn widened(names: &[String], kinds: &[ColumnKind], schema: Option<&str>) -> Vec<ColumnKind> {
    let props = schema.and_then(|s| serde_json::from_str::<Value>(s).ok()).and_then(|v| v.get("properties").cloned());
    names
        .iter()
        .zip(kinds)
        .map(|(name, kind)| match (kind, props.as_ref().and_then(|p| p.get(name))) {
            (ColumnKind::Scalar(k @ (Kind::Int16 | Kind::Int32)), Some(field)) => ColumnKind::Scalar(wider(*k, field)),
            _ => *kind,
        })
        .collect()
}

fn wider(k: Kind, field: &Value) -> Kind {
    let integer = match field.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    if !integer {
        return k;
    }
    match (k, field.get("format").and_then(Value::as_str)) {
        (_, Some("int32")) => Kind::Int32,
        (_, None) => Kind::Int64,
        (k, Some(_)) => k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_to_the_field_width_only() {
        let names: Vec<String> = ["a", "b", "c", "d", "e", "f"].iter().map(|s| s.to_string()).collect();
        let kinds = [Kind::Int16, Kind::Int16, Kind::Int32, Kind::Int64, Kind::Int32, Kind::Int16].map(ColumnKind::Scalar);
        let schema = r#"{"properties": {"a": {"type": ["integer", "null"], "format": "int32"}, "b": {"type": "integer"},
            "c": {"type": "integer"}, "d": {"type": "integer", "format": "int32"}, "e": {"type": ["string", "null"]}}}"#;
        let got = widened(&names, &kinds, Some(schema));
        let want = [Kind::Int32, Kind::Int64, Kind::Int64, Kind::Int64, Kind::Int32, Kind::Int16].map(ColumnKind::Scalar);
        assert_eq!(got, want);
        assert_eq!(widened(&names, &kinds, None), kinds);
    }
}
