//! The cursor strategy: keep rows whose cursor column is greater than the checkpoint's
//! value (arrow kernels: cmp::gt + filter), and track the largest value emitted.

use std::sync::Arc;

use arrow_arith::aggregate::{max, max_string};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{
    ArrayRef, Date32Array, Datum, Float64Array, Int64Array, RecordBatch, Scalar, StringArray,
    TimestampMicrosecondArray,
};
use arrow_cast::parse::{string_to_datetime, Parser};
use arrow_ord::cmp::gt;
use arrow_select::filter::filter_record_batch;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::TIMESTAMP_TZ;

/// The column types a cursor can order rows by, in the Arrow types the plugins emit
/// (Int64, Float64, Timestamp(us, UTC), Date32, Utf8). A plugin maps its own column type
/// to one of these, or refuses the cursor_field (CURSOR_INVALID) before Cursor::new.
/// The names are the plugins' ColumnType names: checkpoint errors print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    Number,
    Timestamp,
    Date,
    String,
}

/// A cursor value in the column's Arrow representation.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum CursorValue {
    Int(i64),
    Float(f64),
    /// Microseconds since the epoch, UTC.
    Micros(i64),
    /// Days since the epoch.
    Days(i32),
    Str(String),
}

pub struct Cursor {
    pub field: String,
    ty: ColumnType,
    /// Rows must be greater than this (the committed checkpoint).
    start: Option<CursorValue>,
    /// The largest value emitted so far (or `start`).
    max: Option<CursorValue>,
}

/// CURSOR_INVALID: the config's cursor_field names no column of the stream.
pub fn not_a_column(field: &str) -> Error {
    Error::config("CURSOR_INVALID", format!("cursor_field {field:?} is not a column of the stream"))
}

impl Cursor {
    /// A cursor on `field`, a column of type `ty`, past the checkpoint's value.
    pub fn new(field: &str, ty: ColumnType, checkpoint: Option<&Value>) -> Result<Cursor> {
        let start = checkpoint.map(|v| from_json(ty, v)).transpose()?;
        Ok(Cursor { field: field.to_string(), ty, max: start.clone(), start })
    }

    /// The rows past the committed checkpoint.
    pub fn filter(&self, batch: RecordBatch) -> Result<RecordBatch> {
        let Some(start) = &self.start else { return Ok(batch) };
        let column = self.column(&batch)?;
        let scalar = self.scalar(start);
        let mask = gt(column, &scalar).map_err(|e| Error::internal("CURSOR_FILTER", e.to_string()))?;
        if mask.true_count() == batch.num_rows() {
            return Ok(batch);
        }
        filter_record_batch(&batch, &mask).map_err(|e| Error::internal("CURSOR_FILTER", e.to_string()))
    }

    /// The cursor column of a batch (found by name: a file's batches hold the columns it has).
    fn column<'a>(&self, batch: &'a RecordBatch) -> Result<&'a ArrayRef> {
        let fields = batch.schema_ref().fields();
        let exact = fields.iter().position(|f| f.name() == &self.field);
        match exact.or_else(|| fields.iter().position(|f| f.name().eq_ignore_ascii_case(&self.field))) {
            Some(i) => Ok(batch.column(i)),
            None => Err(Error::data("CURSOR_COLUMN_MISSING", format!("the cursor column {:?} is not in this file", self.field))),
        }
    }

    /// Takes the batch's largest cursor value into account.
    pub fn observe(&mut self, batch: &RecordBatch) {
        let Ok(column) = self.column(batch) else { return };
        let batch_max = match self.ty {
            ColumnType::Integer => max(column.as_primitive::<Int64Type>()).map(CursorValue::Int),
            ColumnType::Number => max(column.as_primitive::<Float64Type>()).map(CursorValue::Float),
            ColumnType::Timestamp => max(column.as_primitive::<TimestampMicrosecondType>()).map(CursorValue::Micros),
            ColumnType::Date => max(column.as_primitive::<Date32Type>()).map(CursorValue::Days),
            ColumnType::String => max_string(column.as_string::<i32>()).map(|s| CursorValue::Str(s.to_string())),
        };
        if let Some(m) = batch_max {
            if self.max.as_ref().is_none_or(|cur| m > *cur) {
                self.max = Some(m);
            }
        }
    }

    /// The largest value so far, as checkpoint JSON.
    pub fn max_json(&self) -> Option<Value> {
        self.max.as_ref().map(to_json)
    }

    fn scalar(&self, v: &CursorValue) -> Scalar<ArrayRef> {
        let array: ArrayRef = match v {
            CursorValue::Int(i) => Arc::new(Int64Array::from(vec![*i])),
            CursorValue::Float(f) => Arc::new(Float64Array::from(vec![*f])),
            CursorValue::Micros(m) => Arc::new(TimestampMicrosecondArray::from(vec![*m]).with_timezone(TIMESTAMP_TZ)),
            CursorValue::Days(d) => Arc::new(Date32Array::from(vec![*d])),
            CursorValue::Str(s) => Arc::new(StringArray::from(vec![s.as_str()])),
        };
        Scalar::new(array)
    }
}

// Scalar<ArrayRef> is a Datum; make sure of it at compile time.
const _: fn(&Scalar<ArrayRef>) -> &dyn Datum = |s| s;

fn from_json(ty: ColumnType, v: &Value) -> Result<CursorValue> {
    let bad = || Error::config("CHECKPOINT_INVALID", format!("checkpoint cursor value {v} does not fit a {ty:?} column"));
    let text = v.as_str();
    Ok(match ty {
        ColumnType::Integer => CursorValue::Int(v.as_i64().or_else(|| text.and_then(|s| s.parse().ok())).ok_or_else(bad)?),
        ColumnType::Number => CursorValue::Float(v.as_f64().or_else(|| text.and_then(|s| s.parse().ok())).ok_or_else(bad)?),
        ColumnType::Timestamp => CursorValue::Micros(
            text.and_then(|s| string_to_datetime(&Utc, s).ok())
                .map(|d| d.timestamp_micros())
                .ok_or_else(bad)?,
        ),
        ColumnType::Date => CursorValue::Days(
            text.and_then(Date32Type::parse).ok_or_else(bad)?,
        ),
        ColumnType::String => CursorValue::Str(text.ok_or_else(bad)?.to_string()),
    })
}

const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

fn to_json(v: &CursorValue) -> Value {
    match v {
        CursorValue::Int(i) if i.abs() <= MAX_SAFE_INTEGER => Value::from(*i),
        CursorValue::Int(i) => Value::String(i.to_string()),
        CursorValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        CursorValue::Micros(m) => Value::String(
            DateTime::<Utc>::from_timestamp_micros(*m)
                .map(|d| d.to_rfc3339_opts(SecondsFormat::Micros, true))
                .unwrap_or_default(),
        ),
        CursorValue::Days(d) => Value::String(
            (NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(i64::from(*d)))
                .format("%Y-%m-%d")
                .to_string(),
        ),
        CursorValue::Str(s) => Value::String(s.clone()),
    }
}
