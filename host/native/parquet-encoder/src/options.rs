//! The host's ParquetFileOptions (JSON) as parquet WriterProperties: the same properties
//! the host set on parquet-wasm's builder before (host/src/writers/parquet/wasm-encoder.ts).

use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    compression: String,
    row_group_rows: usize,
    dictionary_page_bytes: usize,
    created_by: String,
    /// In order: [key, value] pairs.
    key_value_metadata: Vec<(String, String)>,
    /// Top-level columns stored as integers: DELTA_BINARY_PACKED, no dictionary.
    integer_columns: Vec<String>,
}

pub fn properties(json: &[u8]) -> Result<WriterProperties, String> {
    let o: Options = serde_json::from_slice(json).map_err(|e| format!("encoder options: {e}"))?;
    let compression = match o.compression.as_str() {
        "snappy" => Compression::SNAPPY,
        "zstd" => Compression::ZSTD(ZstdLevel::default()),
        "uncompressed" => Compression::UNCOMPRESSED,
        other => return Err(format!("encoder options: unknown compression {other:?}")),
    };
    if o.row_group_rows == 0 {
        return Err("encoder options: rowGroupRows must be positive".into());
    }
    let kv = o.key_value_metadata.into_iter().map(|(k, v)| KeyValue::new(k, v)).collect();
    let mut b = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_row_count(Some(o.row_group_rows))
        .set_dictionary_page_size_limit(o.dictionary_page_bytes)
        .set_created_by(o.created_by)
        .set_key_value_metadata(Some(kv));
    for column in o.integer_columns {
        let path = ColumnPath::from(column);
        b = b.set_column_encoding(path.clone(), Encoding::DELTA_BINARY_PACKED);
        b = b.set_column_dictionary_enabled(path, false);
    }
    Ok(b.build())
}
