//! Arrow builders for one batch, fed the binary COPY values of each row. One concrete
//! builder per column (an enum, no downcast per value); a row's values are ranges of the
//! COPY buffer, so nothing is allocated per row or per value. An Int32 or Int64 column also
//! takes narrower integers (a column widened to the contract's width, widths.rs).

use std::ops::Range;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder, Float64Builder,
    Int16Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use dativo_plugin_sdk::{PluginError, Result};
use fallible_iterator::FallibleIterator;
use postgres_protocol::types as pg;

use crate::numeric::numeric_i128;
use crate::types::{arrow_type, ColumnKind, Kind};

/// Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
pub const PG_EPOCH_DAYS: i32 = 10_957;
pub const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

enum Builder {
    Int16(Int16Builder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float32(Float32Builder),
    Float64(Float64Builder),
    Bool(BooleanBuilder),
    Text(StringBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Decimal(Decimal128Builder, u8, i8),
    Binary(BinaryBuilder),
    List(ListBuilder<Box<dyn ArrayBuilder>>, Kind),
}

pub struct Columns {
    names: Vec<String>,
    kinds: Vec<ColumnKind>,
    builders: Vec<Builder>,
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
        self.check_width(values.len())?;
        for (i, v) in values.iter().enumerate() {
            append(&mut self.builders[i], *v).map_err(|e| self.named(i, e))?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Appends one row of binary COPY fields: ranges of `buf` (None is NULL).
    pub fn push_fields(&mut self, buf: &[u8], fields: &[Option<Range<usize>>]) -> Result<()> {
        self.check_width(fields.len())?;
        for (i, f) in fields.iter().enumerate() {
            let v = f.as_ref().map(|r| &buf[r.clone()]);
            append(&mut self.builders[i], v).map_err(|e| self.named(i, e))?;
        }
        self.rows += 1;
        Ok(())
    }

    fn check_width(&self, n: usize) -> Result<()> {
        if n != self.kinds.len() {
            return Err(PluginError::internal("PG_PROTOCOL", format!("a row has {n} fields, the query {}", self.kinds.len())));
        }
        Ok(())
    }

    fn named(&self, i: usize, e: PluginError) -> PluginError {
        PluginError { message: format!("column {:?}: {}", self.names[i], e.message), ..e }
    }

    /// The rows so far as one record batch; the builders start again empty.
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(finish).collect();
        let fields: Vec<Field> = self.names.iter().zip(&self.kinds).map(|(n, k)| Field::new(n, arrow_type(*k), true)).collect();
        self.rows = 0;
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| PluginError::internal("ARROW_BATCH", format!("cannot assemble a batch: {e}")))
    }
}

fn new_builder(kind: ColumnKind) -> Builder {
    match kind {
        ColumnKind::Scalar(k) => scalar_builder(k),
        ColumnKind::List(k) => Builder::List(ListBuilder::new(boxed_builder(k)), k),
    }
}

fn scalar_builder(k: Kind) -> Builder {
    match k {
        Kind::Int16 => Builder::Int16(Int16Builder::new()),
        Kind::Int32 => Builder::Int32(Int32Builder::new()),
        Kind::Int64 => Builder::Int64(Int64Builder::new()),
        Kind::Float32 => Builder::Float32(Float32Builder::new()),
        Kind::Float64 => Builder::Float64(Float64Builder::new()),
        Kind::Bool => Builder::Bool(BooleanBuilder::new()),
        Kind::Text => Builder::Text(StringBuilder::new()),
        Kind::Date => Builder::Date(Date32Builder::new()),
        Kind::Timestamp => Builder::Timestamp(TimestampMicrosecondBuilder::new()),
        Kind::TimestampTz => Builder::Timestamp(TimestampMicrosecondBuilder::new().with_timezone("UTC")),
        Kind::Decimal(p, s) => Builder::Decimal(decimal_builder(p, s), p, s),
        Kind::Binary => Builder::Binary(BinaryBuilder::new()),
    }
}

fn decimal_builder(p: u8, s: i8) -> Decimal128Builder {
    // types::decimal_of only gives 1 <= p <= 38 and 0 <= s <= p, which Arrow accepts.
    Decimal128Builder::new().with_precision_and_scale(p, s).expect("a valid decimal precision and scale")
}

/// List elements go through `dyn ArrayBuilder` (arrays are rare and small).
fn boxed_builder(k: Kind) -> Box<dyn ArrayBuilder> {
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
        Kind::Decimal(p, s) => Box::new(decimal_builder(p, s)),
        Kind::Binary => Box::new(BinaryBuilder::new()),
    }
}

fn finish(b: &mut Builder) -> ArrayRef {
    match b {
        Builder::Int16(b) => Arc::new(b.finish()),
        Builder::Int32(b) => Arc::new(b.finish()),
        Builder::Int64(b) => Arc::new(b.finish()),
        Builder::Float32(b) => Arc::new(b.finish()),
        Builder::Float64(b) => Arc::new(b.finish()),
        Builder::Bool(b) => Arc::new(b.finish()),
        Builder::Text(b) => Arc::new(b.finish()),
        Builder::Date(b) => Arc::new(b.finish()),
        Builder::Timestamp(b) => Arc::new(b.finish()),
        Builder::Decimal(b, _, _) => Arc::new(b.finish()),
        Builder::Binary(b) => Arc::new(b.finish()),
        Builder::List(b, _) => Arc::new(b.finish()),
    }
}

type DecodeError = Box<dyn std::error::Error + Sync + Send>;

pub fn bad(e: DecodeError) -> PluginError {
    PluginError::data("PG_DECODE", format!("cannot decode a value: {e}"))
}

fn infinite() -> PluginError {
    PluginError::data("PG_INFINITE_VALUE", "infinity or -infinity has no Arrow date or timestamp")
}

/// One value (None: NULL) into a column's builder.
fn append(b: &mut Builder, v: Option<&[u8]>) -> Result<()> {
    match b {
        Builder::Int16(b) => b.append_option(v.map(pg::int2_from_sql).transpose().map_err(bad)?),
        // Widened columns (widths.rs) take a narrower integer: read by its length.
        Builder::Int32(b) => b.append_option(v.map(|v| if v.len() == 2 { int2(v).map(i32::from) } else { int4(v) }).transpose()?),
        Builder::Int64(b) => b.append_option(v.map(int_any).transpose()?),
        Builder::Float32(b) => b.append_option(v.map(pg::float4_from_sql).transpose().map_err(bad)?),
        Builder::Float64(b) => b.append_option(v.map(pg::float8_from_sql).transpose().map_err(bad)?),
        Builder::Bool(b) => b.append_option(v.map(pg::bool_from_sql).transpose().map_err(bad)?),
        Builder::Text(b) => b.append_option(v.map(pg::text_from_sql).transpose().map_err(bad)?),
        Builder::Date(b) => b.append_option(v.map(date_days).transpose()?),
        Builder::Timestamp(b) => b.append_option(v.map(timestamp_micros).transpose()?),
        Builder::Decimal(b, p, s) => b.append_option(v.map(|v| numeric_i128(v, *p, *s)).transpose()?),
        Builder::Binary(b) => b.append_option(v),
        Builder::List(b, k) => append_list(b, *k, v)?,
    }
    Ok(())
}

macro_rules! put {
    ($b:expr, $ty:ty, $v:expr) => {
        $b.as_any_mut().downcast_mut::<$ty>().expect(stringify!($ty)).append_option($v)
    };
}

fn int2(v: &[u8]) -> Result<i16> {
    pg::int2_from_sql(v).map_err(bad)
}

fn int4(v: &[u8]) -> Result<i32> {
    pg::int4_from_sql(v).map_err(bad)
}

/// An int2, int4 or int8 by its length, as i64.
fn int_any(v: &[u8]) -> Result<i64> {
    match v.len() {
        2 => int2(v).map(i64::from),
        4 => int4(v).map(i64::from),
        _ => pg::int8_from_sql(v).map_err(bad),
    }
}

/// One list element into the list's element builder of kind `k`.
fn append_element(b: &mut dyn ArrayBuilder, k: Kind, v: Option<&[u8]>) -> Result<()> {
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
        Kind::Decimal(p, s) => put!(b, Decimal128Builder, v.map(|v| numeric_i128(v, p, s)).transpose()?),
        Kind::Binary => put!(b, BinaryBuilder, v),
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
        append_element(b.values().as_mut(), k, e)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Int32Array, Int64Array};

    #[test]
    fn widened_integers_take_narrower_values() {
        let mut c = Columns::new(vec!["a".into(), "b".into()], vec![ColumnKind::Scalar(Kind::Int32), ColumnKind::Scalar(Kind::Int64)]);
        let (i2, i4) = ((-7i16).to_be_bytes(), 70_000i32.to_be_bytes());
        c.push(&[Some(&i2), Some(&i4)]).unwrap();
        c.push(&[None, Some(&i2)]).unwrap();
        let b = c.finish().unwrap();
        let a = b.column(0).as_any().downcast_ref::<Int32Array>().unwrap();
        assert_eq!((a.value(0), a.is_null(1)), (-7, true));
        let w = b.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(w.values().to_vec(), vec![70_000, -7]);
    }
}
