//! # dativo-plugin-sdk
//!
//! Write a dativo reader or writer plugin (a WebAssembly component for the contract
//! `dativo:plugin@0.1.0`) without touching the WIT bindings:
//!
//! ```ignore
//! use dativo_plugin_sdk::{export_reader, Extraction, JsonLinesBatch, ReadRequest, Reader, Result, Spec, StreamDescriptor, Batch, Encoding};
//!
//! struct Hello;
//! impl Reader for Hello {
//!     type Extraction = HelloRows;
//!     fn spec() -> Spec { Spec { version: env!("CARGO_PKG_VERSION").into(), config_schema: serde_json::json!({"type": "object"}), encodings: vec![Encoding::JsonLines] } }
//!     fn check(_config: &str) -> Result<()> { Ok(()) }
//!     fn discover(_config: &str) -> Result<Vec<StreamDescriptor>> { Ok(vec![StreamDescriptor::new("hello")]) }
//!     fn open(_req: ReadRequest) -> Result<HelloRows> { Ok(HelloRows { done: false }) }
//! }
//! struct HelloRows { done: bool }
//! impl Extraction for HelloRows {
//!     fn next(&mut self) -> Result<Option<Batch>> {
//!         if std::mem::replace(&mut self.done, true) { return Ok(None) }
//!         let mut b = JsonLinesBatch::new();
//!         b.push(&serde_json::json!({"greeting": "hello"}))?;
//!         Ok(Some(b.finish(None)))
//!     }
//! }
//! export_reader!(Hello);
//! ```
//!
//! How the bindings work: they are generated in this crate (module `bindings`, from the
//! repository's `wit/`) with wit-bindgen's `pub_export_macro`; `export_reader!` /
//! `export_writer!` expand wit-bindgen's export macro in the plugin crate over a generic
//! adapter (`reader::ReaderExport<R>`), so the component exports exactly one world.
//!
//! Modules: `reader` / `writer` (the traits), `error` (`PluginError`), `batch`
//! (`JsonLinesBatch`), `arrow` (feature "arrow": Arrow IPC stream bytes), `log`,
//! `secrets`, `config` (typed config parsing), `http` (client, retries, rate limit,
//! auth, pagination).

pub mod bindings;

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod batch;
pub mod config;
pub mod error;
pub mod http;
pub mod log;
pub mod reader;
pub mod secrets;
pub mod types;
pub mod writer;

pub use batch::{json_lines_rows, JsonLinesBatch};
pub use config::Incremental;
pub use error::{ErrorKind, PluginError, Result};
pub use reader::{Extraction, Reader};
pub use types::{Batch, CommitInfo, Encoding, ReadRequest, Spec, StreamDescriptor, WriteRequest};
pub use writer::{Sink, Writer};

/// Re-exported so plugins use the same serde_json as the SDK.
pub use serde_json;
