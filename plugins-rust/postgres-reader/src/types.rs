//! PostgreSQL types -> the value kinds this plugin decodes from binary COPY, their Arrow
//! types and their JSON Schema. numeric with a declared precision of at most 38
//! (`numeric(p,s)`, 0 <= s <= p) is Decimal128(p,s); bytea is Binary. Types without a binary
//! decoder here (numeric without a precision or wider than 38, uuid, json, jsonb, time,
//! interval, ...) are selected as `::text`, so the server formats them and the column is Utf8
//! holding the exact text. Arrays of decodable elements are Arrow lists; other arrays
//! (numeric[] and bytea[] included) are selected as `::text[]` (lists of text).

use std::sync::Arc;

use arrow_schema::{DataType, Field, TimeUnit};
use serde_json::{json, Value};

/// A scalar this plugin decodes from the binary COPY format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Bool,
    Text,
    Date,
    Timestamp,
    TimestampTz,
    /// numeric(precision, scale) as Decimal128.
    Decimal(u8, i8),
    Binary,
}

/// How a column travels: a scalar, or a one-dimensional array of scalars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Scalar(Kind),
    List(Kind),
}

/// (oid, kind, array oid) of the types decoded natively; text-like ones included.
const NATIVE: &[(u32, Kind, u32)] = &[
    (21, Kind::Int16, 1005),
    (23, Kind::Int32, 1007),
    (20, Kind::Int64, 1016),
    (700, Kind::Float32, 1021),
    (701, Kind::Float64, 1022),
    (16, Kind::Bool, 1000),
    (25, Kind::Text, 1009),
    (1043, Kind::Text, 1015),
    (1042, Kind::Text, 1014),
    (19, Kind::Text, 1003),
    (1082, Kind::Date, 1182),
    (1114, Kind::Timestamp, 1115),
    (1184, Kind::TimestampTz, 1185),
];

/// Array types whose element is cast to text: numeric, uuid, json, jsonb, bytea, time, ...
const TEXT_ARRAYS: &[u32] = &[1231, 2951, 199, 3807, 1001, 1183, 1270, 1187, 1041, 651, 1040, 1028, 3643, 1115];

const NUMERIC: u32 = 1700;
const BYTEA: u32 = 17;

/// The (precision, scale) of a `numeric(p,s)` type modifier when Decimal128 holds it.
pub fn decimal_of(oid: u32, typmod: i32) -> Option<(u8, i8)> {
    if oid != NUMERIC || typmod < 4 {
        return None;
    }
    let m = typmod - 4;
    let precision = (m >> 16) & 0xffff;
    // PostgreSQL 15 stores the scale in 11 bits, signed (negative scales are allowed).
    let scale = ((m & 0x7ff) ^ 0x400) - 0x400;
    ((1..=38).contains(&precision) && (0..=precision).contains(&scale)).then(|| (precision as u8, scale as i8))
}

/// `typmod`: the RowDescription's type modifier (-1 when none).
pub fn column_kind(oid: u32, typmod: i32) -> ColumnKind {
    if let Some((p, s)) = decimal_of(oid, typmod) {
        return ColumnKind::Scalar(Kind::Decimal(p, s));
    }
    if oid == BYTEA {
        return ColumnKind::Scalar(Kind::Binary);
    }
    if let Some((_, k, _)) = NATIVE.iter().find(|(o, _, _)| *o == oid) {
        return ColumnKind::Scalar(*k);
    }
    if let Some((_, k, _)) = NATIVE.iter().find(|(_, _, a)| *a == oid) {
        return ColumnKind::List(*k);
    }
    if TEXT_ARRAYS.contains(&oid) {
        return ColumnKind::List(Kind::Text);
    }
    // Anything else (other arrays included: a RowDescription does not say a type is an
    // array) is its text form.
    ColumnKind::Scalar(Kind::Text)
}

/// The SELECT list entry of a column: the column itself when decoded natively, else cast.
pub fn select_expr(name: &str, oid: u32, typmod: i32) -> String {
    let q = quote_ident(name);
    let native = NATIVE.iter().any(|(o, _, a)| *o == oid || *a == oid) || oid == BYTEA || decimal_of(oid, typmod).is_some();
    match (native, column_kind(oid, typmod)) {
        (true, _) => q,
        (false, ColumnKind::List(_)) => format!("{q}::text[] AS {q}"),
        (false, ColumnKind::Scalar(_)) => format!("{q}::text AS {q}"),
    }
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1).
pub fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

pub fn arrow_type(kind: ColumnKind) -> DataType {
    match kind {
        ColumnKind::Scalar(k) => scalar_type(k),
        ColumnKind::List(k) => DataType::List(Arc::new(Field::new("item", scalar_type(k), true))),
    }
}

fn scalar_type(k: Kind) -> DataType {
    match k {
        Kind::Int16 => DataType::Int16,
        Kind::Int32 => DataType::Int32,
        Kind::Int64 => DataType::Int64,
        Kind::Float32 => DataType::Float32,
        Kind::Float64 => DataType::Float64,
        Kind::Bool => DataType::Boolean,
        Kind::Text => DataType::Utf8,
        Kind::Date => DataType::Date32,
        Kind::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
        Kind::TimestampTz => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        Kind::Decimal(p, s) => DataType::Decimal128(p, s),
        Kind::Binary => DataType::Binary,
    }
}

/// The JSON Schema of a column for discover (nullable: `["<type>", "null"]`).
pub fn json_schema(kind: ColumnKind, nullable: bool) -> Value {
    let typed = |t: &str, extra: Value| {
        let mut v = if nullable { json!({"type": [t, "null"]}) } else { json!({"type": t}) };
        if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
            m.extend(e);
        }
        v
    };
    match kind {
        ColumnKind::List(k) => typed("array", json!({"items": json_schema(ColumnKind::Scalar(k), true)})),
        ColumnKind::Scalar(k) => match k {
            Kind::Int16 | Kind::Int32 | Kind::Int64 => typed("integer", json!({})),
            Kind::Float32 | Kind::Float64 => typed("number", json!({})),
            Kind::Bool => typed("boolean", json!({})),
            Kind::Text => typed("string", json!({})),
            Kind::Date => typed("string", json!({"format": "date"})),
            Kind::Timestamp | Kind::TimestampTz => typed("string", json!({"format": "date-time"})),
            Kind::Decimal(p, s) => typed("number", json!({"format": format!("decimal({p},{s})")})),
            // OpenAPI's name for raw bytes.
            Kind::Binary => typed("string", json!({"format": "binary"})),
        },
    }
}

/// Whether rows can be ordered and resumed by a column of this type (`cursor_field`):
/// integers, numeric, text types, uuid, date and timestamps. The WHERE and ORDER BY use
/// the column's own type; numeric and uuid values travel as their text.
pub fn is_cursor_type(oid: u32) -> bool {
    matches!(oid, 20 | 21 | 23 | 1700 | 25 | 1043 | 1042 | 19 | 2950 | 1082 | 1114 | 1184)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_map_to_kinds_and_casts() {
        assert_eq!(column_kind(23, -1), ColumnKind::Scalar(Kind::Int32));
        assert_eq!(column_kind(1007, -1), ColumnKind::List(Kind::Int32));
        assert_eq!(column_kind(1700, -1), ColumnKind::Scalar(Kind::Text));
        // numeric(10,2): typmod (10 << 16 | 2) + 4; numeric(39,2) is wider than Decimal128.
        assert_eq!(column_kind(1700, (10 << 16 | 2) + 4), ColumnKind::Scalar(Kind::Decimal(10, 2)));
        assert_eq!(column_kind(1700, (38 << 16) + 4), ColumnKind::Scalar(Kind::Decimal(38, 0)));
        assert_eq!(column_kind(1700, (39 << 16 | 2) + 4), ColumnKind::Scalar(Kind::Text));
        // numeric(5,-2) (PostgreSQL 15: a negative scale, 11 bits signed) stays text.
        assert_eq!(column_kind(1700, (5 << 16 | 0x7fe) + 4), ColumnKind::Scalar(Kind::Text));
        assert_eq!(column_kind(17, -1), ColumnKind::Scalar(Kind::Binary));
        assert_eq!(column_kind(1231, -1), ColumnKind::List(Kind::Text));
        assert_eq!(column_kind(1001, -1), ColumnKind::List(Kind::Text));
        assert_eq!(select_expr("n", 1700, -1), "\"n\"::text AS \"n\"");
        assert_eq!(select_expr("n", 1700, (10 << 16 | 2) + 4), "\"n\"");
        assert_eq!(select_expr("b", 17, -1), "\"b\"");
        assert_eq!(select_expr("a\"b", 1231, -1), "\"a\"\"b\"::text[] AS \"a\"\"b\"");
        assert_eq!(select_expr("id", 20, -1), "\"id\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
