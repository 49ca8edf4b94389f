//! Arrow IPC stream batches (feature "arrow"): the fast path. Build a `RecordBatch`
//! where the data is parsed, then encode it here.

pub use arrow_array;
pub use arrow_schema;

use arrow_array::RecordBatch;
use arrow_ipc::writer::StreamWriter;

use crate::{Batch, Encoding, PluginError, Result};

/// The record batches (one schema) as one self-contained IPC stream: schema message,
/// the batches, end marker.
pub fn ipc_stream_bytes(batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let Some(first) = batches.first() else {
        return Err(PluginError::internal("ARROW_EMPTY", "no record batch to encode"));
    };
    let err = |e: arrow_schema::ArrowError| PluginError::internal("ARROW_IPC", format!("Arrow IPC encoding failed: {e}"));
    let mut out = Vec::new();
    {
        let mut writer = StreamWriter::try_new(&mut out, first.schema_ref()).map_err(err)?;
        for b in batches {
            writer.write(b).map_err(err)?;
        }
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

/// A contract batch of the record batches, with an optional checkpoint.
pub fn ipc_batch(batches: &[RecordBatch], checkpoint: Option<String>) -> Result<Batch> {
    Ok(Batch { encoding: Encoding::ArrowIpcStream, bytes: ipc_stream_bytes(batches)?, checkpoint })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;

    #[test]
    fn encodes_a_stream_that_reads_back() {
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false), Field::new("s", DataType::Utf8, true)]));
        let batch = RecordBatch::try_new(
            schema,
            vec![Arc::new(Int64Array::from(vec![1, 2])), Arc::new(StringArray::from(vec![Some("a"), None]))],
        )
        .unwrap();
        let bytes = ipc_stream_bytes(&[batch.clone()]).unwrap();
        let reader = arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        let back: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
        assert_eq!(back, vec![batch]);
    }
}
