//! Column types: from a contract's JSON Schema, inferred from a sample of the file,
//! and their Arrow and JSON Schema forms.

use std::io::BufReader;

use arrow_array::types::Date32Type;
use arrow_cast::parse::{string_to_datetime, Parser};
use arrow_schema::{DataType, TimeUnit};
use serde_json::{json, Value};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::source;

/// Rows inference looks at (after the header).
pub const SAMPLE_ROWS: usize = 1000;
/// The time zone of every timestamp column the plugin produces.
pub use file_source::TIMESTAMP_TZ;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    /// An integer the contract keeps in 32 bits (JSON Schema `"format": "int32"`): emitted
    /// as Int32 so the host takes the batch as it is instead of narrowing and re-encoding it.
    Int32,
    Number,
    Boolean,
    String,
    /// ISO-8601 date-time; values without an offset are taken as UTC.
    Timestamp,
    /// ISO-8601 date (YYYY-MM-DD).
    Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
}

impl ColumnType {
    /// The Arrow type of the batches the plugin emits.
    pub fn arrow_type(self) -> DataType {
        match self {
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some(TIMESTAMP_TZ.into())),
            other => other.parse_type(),
        }
    }

    /// The Arrow type arrow-csv parses into. Timestamps are parsed without a zone
    /// (naive values as UTC, offsets honoured) and labelled UTC afterwards: the
    /// zone database (chrono-tz) is not compiled in, and "UTC" is a named zone.
    pub fn parse_type(self) -> DataType {
        match self {
            ColumnType::Integer => DataType::Int64,
            ColumnType::Int32 => DataType::Int32,
            ColumnType::Number => DataType::Float64,
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::String => DataType::Utf8,
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            ColumnType::Date => DataType::Date32,
        }
    }

    fn json_schema(self) -> Value {
        match self {
            ColumnType::Integer => json!({"type": "integer"}),
            ColumnType::Int32 => json!({"type": "integer", "format": "int32"}),
            ColumnType::Number => json!({"type": "number"}),
            ColumnType::Boolean => json!({"type": "boolean"}),
            ColumnType::String => json!({"type": "string"}),
            ColumnType::Timestamp => json!({"type": "string", "format": "date-time"}),
            ColumnType::Date => json!({"type": "string", "format": "date"}),
        }
    }

    /// Columns an incremental read can use as its cursor.
    pub fn is_cursor_candidate(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Int32 | ColumnType::Timestamp | ColumnType::Date)
    }
}

/// JSON Schema of one record.
pub fn to_json_schema(columns: &[Column]) -> Value {
    file_source::schema::to_json_schema(columns.iter().map(|c| (c.name.as_str(), c.ty.json_schema(), c.nullable)))
}

/// Columns from a contract's JSON Schema of one record, in property order. An object with
/// "properties" or an array with "items" (a Struct / List column) is refused: CSV has none.
pub fn from_json_schema(text: &str) -> Result<Vec<Column>> {
    let columns = file_source::schema::from_json_schema(text, |p| {
        let nested = (p.types.contains(&"object") && p.schema.get("properties").is_some())
            || (p.types.contains(&"array") && p.schema.get("items").is_some());
        if nested {
            return Err(Error::config(
                "SCHEMA_UNSUPPORTED",
                format!("column {:?}: the contract asks for a nested (struct or list) column; csv-reader reads only flat columns", p.name),
            ));
        }
        let ty = if p.types.contains(&"integer") {
            if p.format == Some("int32") { ColumnType::Int32 } else { ColumnType::Integer }
        } else if p.types.contains(&"number") {
            ColumnType::Number
        } else if p.types.contains(&"boolean") {
            ColumnType::Boolean
        } else {
            match p.format {
                Some("date-time") => ColumnType::Timestamp,
                Some("date") => ColumnType::Date,
                _ => ColumnType::String,
            }
        };
        Ok(Column { name: p.name.to_string(), ty, nullable: p.nullable })
    })?;
    columns.into_iter().collect()
}

/// The header of a file (or column_1..N without one) and up to `sample` records.
pub fn read_head(path: &str, config: &Config, sample: usize) -> Result<(Vec<String>, Vec<csv::StringRecord>)> {
    let text = source::open(path, config)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(config.delimiter_byte())
        .quote(config.quote_byte())
        .escape(config.escape_byte())
        .comment(config.comment_byte())
        .has_headers(config.has_header)
        .flexible(true)
        .from_reader(BufReader::with_capacity(64 * 1024, text));
    let parse_err = |e: csv::Error| Error::data("CSV_PARSE_ERROR", format!("{path}: {e}"));
    let mut header: Vec<String> = if config.has_header {
        reader.headers().map_err(parse_err)?.iter().map(str::to_string).collect()
    } else {
        Vec::new()
    };
    let mut rows = Vec::new();
    for record in reader.records().take(sample) {
        rows.push(record.map_err(parse_err)?);
    }
    if !config.has_header {
        let width = rows.first().map_or(0, |r| r.len());
        header = (1..=width).map(|i| format!("column_{i}")).collect();
    }
    Ok((header, rows))
}

/// Columns inferred from the file's header and a sample of its rows. Every inferred
/// column is nullable: a sample cannot prove a column never holds an empty value.
pub fn infer(path: &str, config: &Config) -> Result<Vec<Column>> {
    let (header, rows) = read_head(path, config, SAMPLE_ROWS)?;
    if header.is_empty() {
        return Err(Error::data("CSV_EMPTY", format!("{path}: no header and no rows to infer a schema from")));
    }
    let mut seen: Vec<Option<ColumnType>> = vec![None; header.len()];
    for row in &rows {
        for (i, value) in row.iter().enumerate().take(header.len()) {
            if config.null_values.iter().any(|n| n == value) {
                continue;
            }
            if let Some(t) = value_type(value) {
                seen[i] = Some(match seen[i] {
                    None => t,
                    Some(prev) => widen(prev, t),
                });
            }
        }
    }
    Ok(header
        .into_iter()
        .zip(seen)
        .map(|(name, t)| Column { name, ty: t.unwrap_or(ColumnType::String), nullable: true })
        .collect())
}

/// The narrowest type of one CSV value; None for an empty value (null).
pub fn value_type(s: &str) -> Option<ColumnType> {
    if s.is_empty() {
        return None;
    }
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") {
        return Some(ColumnType::Boolean);
    }
    let b = s.as_bytes();
    let numeric_start = b[0].is_ascii_digit() || matches!(b[0], b'-' | b'+' | b'.');
    if numeric_start && s.parse::<i64>().is_ok() {
        return Some(ColumnType::Integer);
    }
    if numeric_start && s.bytes().any(|c| c.is_ascii_digit()) && s.parse::<f64>().is_ok() {
        return Some(ColumnType::Number);
    }
    if looks_like_date(b) {
        if b.len() == 10 && Date32Type::parse(s).is_some() {
            return Some(ColumnType::Date);
        }
        if b.len() > 10 && matches!(b[10], b'T' | b't' | b' ') && string_to_datetime(&chrono::Utc, s).is_ok() {
            return Some(ColumnType::Timestamp);
        }
    }
    Some(ColumnType::String)
}

fn looks_like_date(b: &[u8]) -> bool {
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

/// The narrowest type holding both.
fn widen(a: ColumnType, b: ColumnType) -> ColumnType {
    use ColumnType::*;
    match (a, b) {
        (a, b) if a == b => a,
        (Integer, Number) | (Number, Integer) => Number,
        (Date, Timestamp) | (Timestamp, Date) => Timestamp,
        _ => String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_types() {
        assert_eq!(value_type(""), None);
        assert_eq!(value_type("42"), Some(ColumnType::Integer));
        assert_eq!(value_type("-4.5"), Some(ColumnType::Number));
        assert_eq!(value_type("TRUE"), Some(ColumnType::Boolean));
        assert_eq!(value_type("2024-01-02"), Some(ColumnType::Date));
        assert_eq!(value_type("2024-01-02T03:04:05Z"), Some(ColumnType::Timestamp));
        assert_eq!(value_type("2024-01-02 03:04:05.123456"), Some(ColumnType::Timestamp));
        assert_eq!(value_type("NaN"), Some(ColumnType::String));
        assert_eq!(value_type("abc"), Some(ColumnType::String));
    }

    #[test]
    fn contract_schema() {
        let cols = from_json_schema(
            r#"{"type":"object","properties":{"id":{"type":"integer"},"at":{"type":"string","format":"date-time"},"n":{"type":["number","null"]}},"required":["id","n"]}"#,
        )
        .unwrap();
        assert_eq!(cols[0], Column { name: "id".into(), ty: ColumnType::Integer, nullable: false });
        assert_eq!(cols[1], Column { name: "at".into(), ty: ColumnType::Timestamp, nullable: true });
        assert_eq!(cols[2], Column { name: "n".into(), ty: ColumnType::Number, nullable: true });
    }
}
