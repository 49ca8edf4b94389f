//! Arrow IPC stream encoding: every emitted batch is a self-contained stream
//! (schema message, one record batch, end marker).

use std::sync::Arc;

use arrow_array::{RecordBatch, RecordBatchOptions};
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{Schema, SchemaRef};

use crate::error::{Error, Result};

/// Schema metadata naming the input a batch came from (the host checks each input's
/// columns against the contract once) and the file line of its first row.
pub const SOURCE_KEY: &str = "dativo.source";
pub const SOURCE_LINE_KEY: &str = "dativo.source.line";

/// `schema` with the line of the batch's first row in its metadata.
pub fn with_first_line(schema: &SchemaRef, line: usize) -> SchemaRef {
    let mut metadata = schema.metadata().clone();
    metadata.insert(SOURCE_LINE_KEY.to_string(), line.to_string());
    Arc::new(Schema::new_with_metadata(schema.fields().clone(), metadata))
}

/// The batch without a first line (its rows are not consecutive lines of the file).
pub fn without_first_line(batch: RecordBatch) -> RecordBatch {
    let Some(_) = batch.schema_ref().metadata().get(SOURCE_LINE_KEY) else { return batch };
    let mut metadata = batch.schema_ref().metadata().clone();
    metadata.remove(SOURCE_LINE_KEY);
    let schema = Arc::new(Schema::new_with_metadata(batch.schema_ref().fields().clone(), metadata));
    relabel(&batch, schema)
}

/// The batch's columns under `schema` (the same fields, other metadata).
fn relabel(batch: &RecordBatch, schema: SchemaRef) -> RecordBatch {
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    RecordBatch::try_new_with_options(schema, batch.columns().to_vec(), &options).expect("the same fields")
}

/// Rows `offset..offset+len` of the batch; its first line moves with them.
fn slice(batch: &RecordBatch, offset: usize, len: usize) -> RecordBatch {
    let part = batch.slice(offset, len);
    match batch.schema_ref().metadata().get(SOURCE_LINE_KEY).and_then(|l| l.parse::<usize>().ok()) {
        Some(line) => relabel(&part, with_first_line(part.schema_ref(), line + offset)),
        None => part,
    }
}

pub fn encode(batch: &RecordBatch) -> Result<Vec<u8>> {
    let ipc_err = |e: arrow_schema::ArrowError| Error::internal("IPC_ENCODE", e.to_string());
    let mut bytes = Vec::with_capacity(batch.get_array_memory_size() + 4096);
    let mut writer = StreamWriter::try_new(&mut bytes, batch.schema_ref()).map_err(ipc_err)?;
    writer.write(batch).map_err(ipc_err)?;
    writer.finish().map_err(ipc_err)?;
    drop(writer);
    Ok(bytes)
}

/// The batch as one or more IPC streams of at most `max_bytes` each (split by rows).
pub fn encode_within(batch: &RecordBatch, max_bytes: usize) -> Result<Vec<(RecordBatch, Vec<u8>)>> {
    let bytes = encode(batch)?;
    if bytes.len() <= max_bytes {
        return Ok(vec![(batch.clone(), bytes)]);
    }
    let rows = batch.num_rows();
    if rows <= 1 {
        return Err(Error::data(
            "BATCH_TOO_LARGE",
            format!("one row encodes to {} bytes; the host accepts batches of at most {max_bytes} bytes", bytes.len()),
        ));
    }
    drop(bytes);
    let pieces = (rows.min(2 + batch.get_array_memory_size() / max_bytes)).max(2);
    let per_piece = rows.div_ceil(pieces);
    let mut out = Vec::new();
    let mut offset = 0;
    while offset < rows {
        let len = per_piece.min(rows - offset);
        out.extend(encode_within(&slice(batch, offset, len), max_bytes)?);
        offset += len;
    }
    Ok(out)
}
