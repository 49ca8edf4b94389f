//! file-source: the code csv-reader and jsonl-reader share (plain Rust, no WIT bindings):
//! which files a config names (files), reading them (positional, source: decompression),
//! the config's compression and incremental parts (config), incremental reads
//! (incremental: the files to read and the checkpoints batches carry; cursor,
//! checkpoint), a record's JSON Schema (schema), Arrow IPC encoding (ipc) and the error
//! type each plugin converts into its WIT plugin-error (error).

pub mod checkpoint;
pub mod config;
pub mod cursor;
pub mod error;
pub mod files;
pub mod incremental;
pub mod ipc;
pub mod positional;
pub mod schema;
pub mod source;

/// The time zone of every timestamp column the file plugins produce.
pub const TIMESTAMP_TZ: &str = "UTC";
