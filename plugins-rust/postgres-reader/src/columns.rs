//! Arrow builders for one batch, fed the binary COPY values of each row.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Float32Builder, Float64Builder, Int16Builder, Int32Builder,
    Int64Builder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use dativo_plugin_sdk::{PluginError, Result};
use fallible_iterator::FallibleIterator;
use postgres_protocol::types as pg;

use crate::types::{arrow_type, ColumnKind, Kind};

/// Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
pub const PG_EPOCH_DAYS: i32 = 10_957;
pub const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

pub struct Columns {
    names: Vec<String>,
    kinds: Vec<ColumnKind>,
    builders: Vec<Box<dyn ArrayBuilder>>,
    rows: usize,
}

impl Columns {
    pub fn new(names: Vec<String>, kinds: Vec<ColumnKind>) -> Columns {
        let builders = kinds.iter().map(|k| new_builder(*k)).collect();
        Columns { names, kinds, builders, rows: 0 }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row: a value (None is NULL) per column.
    pub fn push(&mut self, values: &[Option<&[u8]>]) -> Result<()> {
        if values.len() != self.kinds.len() {
            return Err(PluginError::internal("PG_PROTOCOL", format!("a row has {} fields, the query {}", values.len(), self.kinds.len())));
        }
        for (i, v) in values.iter().enumerate() {
            let named = |e: PluginError| PluginError { message: format!("column {:?}: {}", self.names[i], e.message), ..e };
            match self.kinds[i] {
                ColumnKind::Scalar(k) => append(self.builders[i].as_mut(), k, *v).map_err(named)?,
                ColumnKind::List(k) => {
                    let b = self.builders[i].as_any_mut().downcast_mut::<ListBuilder<Box<dyn ArrayBuilder>>>().expect("list builder");
                    append_list(b, k, *v).map_err(named)?
                }
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// The rows so far as one record batch; the builders start again empty.
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(|b| b.finish()).collect();
        let fields: Vec<Field> = self.names.iter().zip(&self.kinds).map(|(n, k)| Field::new(n, arrow_type(*k), true)).collect();
        self.rows = 0;
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| PluginError::internal("ARROW_BATCH", format!("cannot assemble a batch: {e}")))
    }
}

fn new_builder(kind: ColumnKind) -> Box<dyn ArrayBuilder> {
    match kind {
        ColumnKind::Scalar(k) => scalar_builder(k),
        ColumnKind::List(k) => Box::new(ListBuilder::new(scalar_builder(k))),
    }
}

fn scalar_builder(k: Kind) -> Box<dyn ArrayBuilder> {
    match k {
        Kind::Int16 => Box::new(Int16Builder::new()),
        Kind::Int32 => Box::new(Int32Builder::new()),
        Kind::Int64 => Box::new(Int64Builder::new()),
        Kind::Float32 => Box::new(Float32Builder::new()),
        Kind::Float64 => Box::new(Float64Builder::new()),
        Kind::Bool => Box::new(BooleanBuilder::new()),
        Kind::Text => Box::new(StringBuilder::new()),
        Kind::Date => Box::new(Date32Builder::new()),
        Kind::Timestamp => Box::new(TimestampMicrosecondBuilder::new()),
        Kind::TimestampTz => Box::new(TimestampMicrosecondBuilder::new().with_timezone("UTC")),
    }
}

type DecodeError = Box<dyn std::error::Error + Sync + Send>;

fn bad(e: DecodeError) -> PluginError {
    PluginError::data("PG_DECODE", format!("cannot decode a value: {e}"))
}

fn infinite() -> PluginError {
    PluginError::data("PG_INFINITE_VALUE", "infinity or -infinity has no Arrow date or timestamp")
}

macro_rules! put {
    ($b:expr, $ty:ty, $v:expr) => {
        $b.as_any_mut().downcast_mut::<$ty>().expect(stringify!($ty)).append_option($v)
    };
}

/// One value into a scalar builder of kind `k`.
fn append(b: &mut dyn ArrayBuilder, k: Kind, v: Option<&[u8]>) -> Result<()> {
    match k {
        Kind::Int16 => put!(b, Int16Builder, v.map(pg::int2_from_sql).transpose().map_err(bad)?),
        Kind::Int32 => put!(b, Int32Builder, v.map(pg::int4_from_sql).transpose().map_err(bad)?),
        Kind::Int64 => put!(b, Int64Builder, v.map(pg::int8_from_sql).transpose().map_err(bad)?),
        Kind::Float32 => put!(b, Float32Builder, v.map(pg::float4_from_sql).transpose().map_err(bad)?),
        Kind::Float64 => put!(b, Float64Builder, v.map(pg::float8_from_sql).transpose().map_err(bad)?),
        Kind::Bool => put!(b, BooleanBuilder, v.map(pg::bool_from_sql).transpose().map_err(bad)?),
        Kind::Text => put!(b, StringBuilder, v.map(pg::text_from_sql).transpose().map_err(bad)?),
        Kind::Date => put!(b, Date32Builder, v.map(date_days).transpose()?),
        Kind::Timestamp | Kind::TimestampTz => put!(b, TimestampMicrosecondBuilder, v.map(timestamp_micros).transpose()?),
    }
    Ok(())
}

fn append_list(b: &mut ListBuilder<Box<dyn ArrayBuilder>>, k: Kind, v: Option<&[u8]>) -> Result<()> {
    let Some(v) = v else {
        b.append_null();
        return Ok(());
    };
    let array = pg::array_from_sql(v).map_err(bad)?;
    let dims: Vec<_> = array.dimensions().collect().map_err(bad)?;
    if dims.len() > 1 {
        return Err(PluginError::data("PG_ARRAY_DIMENSIONS", format!("a {}-dimensional array; only one dimension becomes an Arrow list", dims.len())));
    }
    let mut values = array.values();
    while let Some(e) = values.next().map_err(bad)? {
        append(b.values().as_mut(), k, e)?;
    }
    b.append(true);
    Ok(())
}

/// Days since 1970-01-01.
pub fn date_days(v: &[u8]) -> Result<i32> {
    let d = pg::date_from_sql(v).map_err(bad)?;
    if d == i32::MAX || d == i32::MIN {
        return Err(infinite());
    }
    d.checked_add(PG_EPOCH_DAYS).ok_or_else(infinite)
}

/// Microseconds since 1970-01-01 (UTC for timestamptz; as written for timestamp).
pub fn timestamp_micros(v: &[u8]) -> Result<i64> {
    let t = pg::timestamp_from_sql(v).map_err(bad)?;
    if t == i64::MAX || t == i64::MIN {
        return Err(infinite());
    }
    t.checked_add(PG_EPOCH_MICROS).ok_or_else(infinite)
}
