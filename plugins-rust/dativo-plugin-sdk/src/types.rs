//! The contract's records as plain Rust types, independent of the generated bindings.

use crate::bindings::wit;

/// How the bytes of a batch are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// An Arrow IPC stream: the fast path (see `arrow::ipc_stream_bytes`, feature "arrow").
    ArrowIpcStream,
    /// UTF-8 JSON objects, one per line: the easy path (see `JsonLinesBatch`).
    JsonLines,
}

/// What the plugin is and what it accepts.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The plugin's version (semver); `env!("CARGO_PKG_VERSION")` is a good value.
    pub version: String,
    /// JSON Schema of the config.
    pub config_schema: serde_json::Value,
    pub encodings: Vec<Encoding>,
}

/// A batch of records.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub encoding: Encoding,
    pub bytes: Vec<u8>,
    /// Opaque JSON state, persisted by the host only after this batch is committed.
    pub checkpoint: Option<String>,
}

/// A stream the source offers.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamDescriptor {
    pub name: String,
    /// JSON Schema of one record.
    pub json_schema: serde_json::Value,
    pub primary_key: Vec<String>,
    pub cursor_fields: Vec<String>,
    pub supports_incremental: bool,
}

impl StreamDescriptor {
    /// A stream with an open schema (`{"type":"object"}`), no key, no cursor.
    pub fn new(name: impl Into<String>) -> Self {
        StreamDescriptor {
            name: name.into(),
            json_schema: serde_json::json!({"type": "object"}),
            primary_key: vec![],
            cursor_fields: vec![],
            supports_incremental: false,
        }
    }
}

/// Everything a reader needs to extract one stream.
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// The plugin's own config as JSON text (without the host's keys, see `crate::config`);
    /// `crate::config::parse` deserializes it.
    pub config: String,
    pub stream: String,
    /// JSON Schema of the stream from the job's data contract, when it has one.
    pub schema: Option<String>,
    /// The last committed checkpoint, if any.
    pub checkpoint: Option<String>,
    /// Batches larger than this are refused by the host.
    pub max_batch_bytes: u64,
    /// The job's incremental settings (`source.incremental`), when it reads incrementally.
    pub incremental: Option<crate::config::Incremental>,
}

/// Everything a writer needs to open a sink for one stream.
#[derive(Debug, Clone)]
pub struct WriteRequest {
    pub config: String,
    pub stream: StreamDescriptor,
}

/// What a writer reports after a commit.
#[derive(Debug, Clone, Default)]
pub struct CommitInfo {
    pub records: u64,
    pub bytes: u64,
    pub locations: Vec<String>,
}

// ---------------------------------------------------------------------------
// Conversions to and from the generated types.

impl From<Encoding> for wit::BatchEncoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::ArrowIpcStream => wit::BatchEncoding::ArrowIpcStream,
            Encoding::JsonLines => wit::BatchEncoding::JsonLines,
        }
    }
}

impl From<wit::BatchEncoding> for Encoding {
    fn from(e: wit::BatchEncoding) -> Self {
        match e {
            wit::BatchEncoding::ArrowIpcStream => Encoding::ArrowIpcStream,
            wit::BatchEncoding::JsonLines => Encoding::JsonLines,
        }
    }
}

impl From<Spec> for wit::PluginSpec {
    fn from(s: Spec) -> Self {
        wit::PluginSpec {
            version: s.version,
            config_schema: s.config_schema.to_string(),
            encodings: s.encodings.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<Batch> for wit::Batch {
    fn from(b: Batch) -> Self {
        wit::Batch { encoding: b.encoding.into(), bytes: b.bytes, checkpoint: b.checkpoint }
    }
}

impl From<wit::Batch> for Batch {
    fn from(b: wit::Batch) -> Self {
        Batch { encoding: b.encoding.into(), bytes: b.bytes, checkpoint: b.checkpoint }
    }
}

impl From<StreamDescriptor> for wit::StreamDescriptor {
    fn from(d: StreamDescriptor) -> Self {
        wit::StreamDescriptor {
            name: d.name,
            json_schema: d.json_schema.to_string(),
            primary_key: d.primary_key,
            cursor_fields: d.cursor_fields,
            supports_incremental: d.supports_incremental,
        }
    }
}

impl From<wit::StreamDescriptor> for StreamDescriptor {
    fn from(d: wit::StreamDescriptor) -> Self {
        StreamDescriptor {
            name: d.name,
            json_schema: serde_json::from_str(&d.json_schema).unwrap_or(serde_json::Value::Null),
            primary_key: d.primary_key,
            cursor_fields: d.cursor_fields,
            supports_incremental: d.supports_incremental,
        }
    }
}

impl From<wit::ReadRequest> for ReadRequest {
    fn from(r: wit::ReadRequest) -> Self {
        ReadRequest {
            config: r.config,
            stream: r.stream,
            schema: r.schema,
            checkpoint: r.checkpoint,
            max_batch_bytes: r.max_batch_bytes,
            incremental: None,
        }
    }
}

impl From<wit::WriteRequest> for WriteRequest {
    fn from(r: wit::WriteRequest) -> Self {
        WriteRequest { config: r.config, stream: r.stream.into() }
    }
}

impl From<CommitInfo> for wit::CommitInfo {
    fn from(c: CommitInfo) -> Self {
        wit::CommitInfo { records: c.records, bytes: c.bytes, locations: c.locations }
    }
}
