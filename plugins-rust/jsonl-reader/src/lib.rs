//! jsonl-reader: a dativo reader plugin (world `reader-plugin`) that reads JSON Lines
//! files (.jsonl, .ndjson, gzip or zstd compressed) with arrow-json and emits Arrow IPC
//! stream batches, typed by the contract or inferred.
//!
//! Modules: config (the config and its JSON Schema), files (the stream name), source
//! (file-source's decompression for this config), schema (column types), json_text
//! (object and array columns as JSON text), read (the extraction), cursor and checkpoint
//! (file-source's incremental reads on this plugin's column types and config). Paths and
//! wildcards, file reads, ipc (encoding) and error are file-source's, shared with
//! csv-reader. This file only binds them to the WIT contract.

mod checkpoint;
mod config;
mod cursor;
mod files;
mod json_text;
mod nested;
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

use dativo::plugin::types::{
    Batch, BatchEncoding, ErrorKind, PluginError, PluginSpec, ReadRequest, StreamDescriptor,
};
use exports::dativo::plugin::reader::{Extraction, Guest, GuestExtraction};

use crate::config::Config;
use crate::error::Kind;

const VERSION: &str = env!("CARGO_PKG_VERSION");

struct JsonlReader;

export!(JsonlReader);

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

impl Guest for JsonlReader {
    type Extraction = JsonlExtraction;

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

pub struct JsonlExtraction {
    inner: RefCell<read::Extraction>,
}

impl GuestExtraction for JsonlExtraction {
    fn open(request: ReadRequest) -> Result<Extraction, PluginError> {
        let inner = read::Extraction::open(read::Request {
            config: &request.config,
            schema: request.schema.as_deref(),
            checkpoint: request.checkpoint.as_deref(),
            max_batch_bytes: request.max_batch_bytes,
        })?;
        Ok(Extraction::new(JsonlExtraction { inner: RefCell::new(inner) }))
    }

    fn next(&self) -> Result<Option<Batch>, PluginError> {
        let out = self.inner.borrow_mut().next()?;
        Ok(out.map(|o| Batch { encoding: BatchEncoding::ArrowIpcStream, bytes: o.bytes, checkpoint: o.checkpoint }))
    }
}
