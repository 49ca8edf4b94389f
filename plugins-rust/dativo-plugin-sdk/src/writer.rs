//! The `Writer` and `Sink` traits, and the adapter that binds them to the contract's
//! `writer` interface (its `sink` resource included).
//!
//! ```ignore
//! struct MyWriter;
//! impl dativo_plugin_sdk::Writer for MyWriter { type Sink = MySink; ... }
//! dativo_plugin_sdk::export_writer!(MyWriter);
//! ```

use std::cell::RefCell;
use std::marker::PhantomData;

use crate::bindings::wit;
use crate::bindings::writer::exports::dativo::plugin::writer as wit_writer;
use crate::{Batch, CommitInfo, Result, Spec, WriteRequest};

/// A destination plugin: spec, check, then one `Sink` per stream.
pub trait Writer: 'static {
    type Sink: Sink;

    fn spec() -> Spec;

    fn check(config: &str) -> Result<()>;

    fn open(request: WriteRequest) -> Result<Self::Sink>;
}

/// One stream's destination. Nothing written may be visible before `commit`;
/// `abort` discards it.
pub trait Sink: 'static {
    fn write(&mut self, batch: Batch) -> Result<()>;
    fn commit(&mut self) -> Result<CommitInfo>;
    fn abort(&mut self) -> Result<()>;
}

#[doc(hidden)]
pub struct WriterExport<W: Writer>(PhantomData<W>);

#[doc(hidden)]
pub struct SinkExport<W: Writer>(RefCell<W::Sink>);

impl<W: Writer> wit_writer::Guest for WriterExport<W> {
    type Sink = SinkExport<W>;

    fn spec() -> wit::PluginSpec {
        W::spec().into()
    }

    fn check(config: String) -> std::result::Result<(), wit::PluginError> {
        W::check(&config).map_err(Into::into)
    }
}

impl<W: Writer> wit_writer::GuestSink for SinkExport<W> {
    fn open(request: wit::WriteRequest) -> std::result::Result<wit_writer::Sink, wit::PluginError> {
        let inner = W::open(request.into()).map_err(wit::PluginError::from)?;
        Ok(wit_writer::Sink::new(SinkExport::<W>(RefCell::new(inner))))
    }

    fn write(&self, batch: wit::Batch) -> std::result::Result<(), wit::PluginError> {
        self.0.borrow_mut().write(batch.into()).map_err(Into::into)
    }

    fn commit(&self) -> std::result::Result<wit::CommitInfo, wit::PluginError> {
        self.0.borrow_mut().commit().map(Into::into).map_err(Into::into)
    }

    fn abort(&self) -> std::result::Result<(), wit::PluginError> {
        self.0.borrow_mut().abort().map_err(Into::into)
    }
}

/// Exports `$ty` (a type implementing `Writer`) as the plugin's `writer` interface.
#[macro_export]
macro_rules! export_writer {
    ($ty:ty) => {
        #[doc(hidden)]
        type __DativoWriterExport = $crate::writer::WriterExport<$ty>;
        $crate::bindings::writer::export!(__DativoWriterExport with_types_in $crate::bindings::writer);
    };
}
