//! Column types: from a contract's JSON Schema, or inferred from a sample of the file
//! (arrow-json's inference), and their Arrow and JSON Schema forms.

use std::io::BufReader;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, TimeUnit};
use serde_json::{json, Map, Value};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::{json_text, nested};
use crate::source;

/// Records inference looks at.
pub const SAMPLE_ROWS: usize = 1000;
/// The time zone of every timestamp column the plugin produces.
pub use file_source::TIMESTAMP_TZ;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    Number,
    Boolean,
    String,
    /// ISO-8601 date-time; values without an offset are taken as UTC.
    Timestamp,
    /// ISO-8601 date (YYYY-MM-DD).
    Date,
    /// An object or array (or any value), kept as its JSON text: the host's contract model
    /// carries ODCS object and array properties as JSON text (Utf8).
    Json,
    /// A Struct or List, from a contract's object with properties or array with items
    /// (nested.rs), decoded natively.
    Nested(DataType),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
}

impl ColumnType {
    /// The Arrow field the batches carry (Json: Utf8, decoded by json_text).
    pub fn field(&self, name: &str, nullable: bool) -> Field {
        let ty = match self {
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some(TIMESTAMP_TZ.into())),
            other => other.parse_type(),
        };
        Field::new(name, ty, nullable)
    }

    /// The field arrow-json decodes into. Timestamps are parsed without a zone (naive
    /// values as UTC, offsets honoured) and labelled UTC afterwards: the zone database
    /// (chrono-tz) is not compiled in, and "UTC" is a named zone.
    pub fn parse_field(&self, name: &str) -> Field {
        let field = Field::new(name, self.parse_type(), true);
        if *self == ColumnType::Json { json_text::mark(field) } else { field }
    }

    fn parse_type(&self) -> DataType {
        match self {
            ColumnType::Integer => DataType::Int64,
            ColumnType::Number => DataType::Float64,
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::String | ColumnType::Json => DataType::Utf8,
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            ColumnType::Date => DataType::Date32,
            ColumnType::Nested(ty) => ty.clone(),
        }
    }

    fn json_schema(&self) -> Value {
        match self {
            ColumnType::Integer => json!({"type": "integer"}),
            ColumnType::Number => json!({"type": "number"}),
            ColumnType::Boolean => json!({"type": "boolean"}),
            ColumnType::String => json!({"type": "string"}),
            ColumnType::Timestamp => json!({"type": "string", "format": "date-time"}),
            ColumnType::Date => json!({"type": "string", "format": "date"}),
            ColumnType::Json => json!({}),
            ColumnType::Nested(ty) => crate::nested::json_schema(ty),
        }
    }

    /// Columns an incremental read can use as its cursor.
    pub fn is_cursor_candidate(&self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Timestamp | ColumnType::Date)
    }
}

/// The Arrow schema arrow-json decodes into (every column nullable: a missing key is null).
pub fn parse_schema(columns: &[Column]) -> Arc<Schema> {
    Arc::new(Schema::new(columns.iter().map(|c| c.ty.parse_field(&c.name)).collect::<Vec<_>>()))
}

/// JSON Schema of one record.
pub fn to_json_schema(columns: &[Column]) -> Value {
    file_source::schema::to_json_schema(columns.iter().map(|c| (c.name.as_str(), c.ty.json_schema(), c.nullable)))
}

/// Columns from a contract's JSON Schema of one record, in property order.
pub fn from_json_schema(text: &str) -> Result<Vec<Column>> {
    let columns = file_source::schema::from_json_schema(text, |p| {
        let ty = if nested::is_nested(p.schema) {
            ColumnType::Nested(nested::data_type(p.schema, p.name)?)
        } else if p.types.contains(&"integer") {
            ColumnType::Integer
        } else if p.types.contains(&"number") {
            ColumnType::Number
        } else if p.types.contains(&"boolean") {
            ColumnType::Boolean
        } else if p.types.contains(&"object") || p.types.contains(&"array") || p.types.is_empty() {
            ColumnType::Json
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

/// The keys of a file's first SAMPLE_ROWS records, in first-seen order.
pub fn sample_keys(path: &str, config: &Config) -> Result<Vec<String>> {
    Ok(sample(path, config)?.into_iter().map(|(k, _)| k).collect())
}

/// Each key of the first SAMPLE_ROWS records with the widest type of its values.
fn sample(path: &str, config: &Config) -> Result<Vec<(String, Option<ColumnType>)>> {
    let reader = BufReader::with_capacity(64 * 1024, source::open(path, config)?);
    let mut seen: Vec<(String, Option<ColumnType>)> = Vec::new();
    let values = serde_json::Deserializer::from_reader(reader).into_iter::<Map<String, Value>>();
    for record in values.take(SAMPLE_ROWS) {
        // A record that is not an object is the decoder's to report, with its line.
        let Ok(record) = record else { break };
        for (key, value) in record {
            let ty = value_type(&value);
            match seen.iter_mut().find(|(k, _)| *k == key) {
                Some((_, t)) => *t = widen(t.take(), ty),
                None => seen.push((key, ty)),
            }
        }
    }
    Ok(seen)
}

/// Columns inferred from the first SAMPLE_ROWS records of a file, keys in first-seen
/// order; every inferred column is nullable. Objects, arrays and keys whose values differ
/// in type (other than integer and number) are JSON text; strings stay strings.
pub fn infer(path: &str, config: &Config) -> Result<Vec<Column>> {
    let seen = sample(path, config)?;
    if seen.is_empty() {
        return Err(Error::data("JSON_EMPTY", format!("{path}: no records to infer a schema from")));
    }
    Ok(seen.into_iter().map(|(name, t)| Column { name, ty: t.unwrap_or(ColumnType::String), nullable: true }).collect())
}

/// None for null.
fn value_type(v: &Value) -> Option<ColumnType> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => ColumnType::Boolean,
        Value::Number(n) if n.is_i64() => ColumnType::Integer,
        Value::Number(_) => ColumnType::Number,
        Value::String(_) => ColumnType::String,
        Value::Array(_) | Value::Object(_) => ColumnType::Json,
    })
}

fn widen(a: Option<ColumnType>, b: Option<ColumnType>) -> Option<ColumnType> {
    use ColumnType::*;
    match (a, b) {
        (None, t) | (t, None) => t,
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(Integer), Some(Number)) | (Some(Number), Some(Integer)) => Some(Number),
        _ => Some(Json),
    }
}
