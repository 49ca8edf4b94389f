//! Arrow IPC stream encoding: every emitted batch is a self-contained stream
//! (schema message, one record batch, end marker).

use arrow_array::RecordBatch;
use arrow_ipc::writer::StreamWriter;

use crate::error::{Error, Result};

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
        out.extend(encode_within(&batch.slice(offset, len), max_bytes)?);
        offset += len;
    }
    Ok(out)
}
