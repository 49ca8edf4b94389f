//! csv-reader: a dativo reader plugin (world `reader-plugin`) that reads CSV files
//! (a SIMD fast path, arrow-csv for what it does not take) and emits Arrow IPC stream
//! batches.
//!
//! Modules: config (the config and its JSON Schema), files (the stream name; paths and
//! wildcards are file-source's), source (a file's text bytes: latin1, BOM, skipped
//! lines, after file-source's decompression), schema (column types: contract, inference,
//! Arrow), read (the extraction), fast (the fast CSV decoder read uses), cursor and
//! checkpoint (file-source's incremental reads on this plugin's column types and config).
//! ipc (encoding) and error are file-source's. This file only binds them to the WIT
//! contract.

mod checkpoint;
mod config;
mod cursor;
mod fast;
mod files;
mod read;
mod schema;
mod source;

// file-source's modules the plugin uses as they are.
use file_source::{error, incremental, ipc};

use std::cell::RefCell;

wit_bindgen::generate!({
    path: "../../wit",
    world: "reader-plugin",
});

use dativo::plugin::log::{log, Level};
use dativo::plugin::types::{
    Batch, BatchEncoding, ErrorKind, PluginError, PluginSpec, ReadRequest, StreamDescriptor,
};
use exports::dativo::plugin::reader::{Extraction, Guest, GuestExtraction};

use crate::config::Config;
use crate::error::Kind;

const VERSION: &str = env!("CARGO_PKG_VERSION");

struct CsvReader;

export!(CsvReader);

impl From<error::Error> for PluginError {
    fn from(e: error::Error) -> Self {
        PluginError {
            kind: match e.kind {
                Kind::Config => ErrorKind::Config,
                Kind::Data => ErrorKind::Data,
                Kind::Internal => ErrorKind::Internal,
            },
            code: e.code.to_string(),
            message: e.message,
            retryable: false,
            retry_after_ms: None,
        }
    }
}

impl Guest for CsvReader {
    type Extraction = CsvExtraction;

    fn spec() -> PluginSpec {
        PluginSpec {
            version: VERSION.into(),
            config_schema: config::CONFIG_SCHEMA.into(),
            encodings: vec![BatchEncoding::ArrowIpcStream],
        }
    }

    fn check(config: String) -> Result<(), PluginError> {
        let config = Config::parse(&config)?;
        let paths = files::resolve(&config.files)?;
        files::check_readable(&paths)?;
        Ok(())
    }

    fn discover(config: String) -> Result<Vec<StreamDescriptor>, PluginError> {
        let config = Config::parse(&config)?;
        let paths = files::resolve(&config.files)?;
        let columns = schema::infer(&paths[0], &config)?;
        Ok(vec![StreamDescriptor {
            name: files::stem(&paths[0]),
            json_schema: schema::to_json_schema(&columns).to_string(),
            primary_key: vec![],
            cursor_fields: columns.iter().filter(|c| c.ty.is_cursor_candidate()).map(|c| c.name.clone()).collect(),
            supports_incremental: true,
        }])
    }
}

pub struct CsvExtraction {
    stream: String,
    inner: RefCell<read::Extraction>,
}

impl GuestExtraction for CsvExtraction {
    fn open(request: ReadRequest) -> Result<Extraction, PluginError> {
        let inner = read::Extraction::open(read::Request {
            config: &request.config,
            schema: request.schema.as_deref(),
            checkpoint: request.checkpoint.as_deref(),
            max_batch_bytes: request.max_batch_bytes,
        })?;
        Ok(Extraction::new(CsvExtraction { stream: request.stream, inner: RefCell::new(inner) }))
    }

    fn next(&self) -> Result<Option<Batch>, PluginError> {
        let mut inner = self.inner.borrow_mut();
        match inner.next()? {
            Some(out) => Ok(Some(Batch { encoding: BatchEncoding::ArrowIpcStream, bytes: out.bytes, checkpoint: out.checkpoint })),
            None => {
                log_stats(&self.stream, &inner.stats);
                Ok(None)
            }
        }
    }
}

/// One debug line per stream with where the time went inside the plugin.
fn log_stats(stream: &str, s: &read::Stats) {
    let ms = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    log(
        Level::Debug,
        "csv-reader: stream read",
        &[
            ("stream".into(), stream.to_string()),
            ("files".into(), s.files.to_string()),
            ("rows".into(), s.rows.to_string()),
            ("batches".into(), s.batches.to_string()),
            ("ipc_bytes".into(), s.bytes.to_string()),
            ("parse_ms".into(), ms(s.parse)),
            ("file_read_ms".into(), ms(s.read)),
            ("filter_ms".into(), ms(s.filter)),
            ("encode_ms".into(), ms(s.encode)),
            ("fallback_batches".into(), s.fallback_batches.to_string()),
        ],
    );
}
