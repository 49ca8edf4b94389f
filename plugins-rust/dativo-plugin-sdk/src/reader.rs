//! The `Reader` and `Extraction` traits, and the adapter that binds them to the
//! contract's `reader` interface (its `extraction` resource included).
//!
//! ```ignore
//! struct MyReader;
//! impl dativo_plugin_sdk::Reader for MyReader { type Extraction = MyExtraction; ... }
//! dativo_plugin_sdk::export_reader!(MyReader);
//! ```

use std::cell::RefCell;
use std::marker::PhantomData;

use crate::bindings::reader::exports::dativo::plugin::reader as wit_reader;
use crate::bindings::wit;
use crate::config::{self, Incremental};
use crate::{Batch, ReadRequest, Result, Spec, StreamDescriptor};

/// A source plugin: spec, check, discover, then one `Extraction` per stream.
pub trait Reader: 'static {
    type Extraction: Extraction;

    fn spec() -> Spec;

    /// Checks the config (credentials, reachability) without reading data.
    fn check(config: &str) -> Result<()>;

    /// The streams the source offers under this config.
    fn discover(config: &str) -> Result<Vec<StreamDescriptor>>;

    /// Starts extracting one stream.
    fn open(request: ReadRequest) -> Result<Self::Extraction>;
}

/// One stream's extraction: batches until `None`.
pub trait Extraction: 'static {
    fn next(&mut self) -> Result<Option<Batch>>;
}

/// Binds a `Reader` to the generated `Guest` trait; used by `export_reader!`.
#[doc(hidden)]
pub struct ReaderExport<R: Reader>(PhantomData<R>);

#[doc(hidden)]
pub struct ExtractionExport<R: Reader>(RefCell<R::Extraction>);

impl<R: Reader> wit_reader::Guest for ReaderExport<R> {
    type Extraction = ExtractionExport<R>;

    fn spec() -> wit::PluginSpec {
        R::spec().into()
    }

    fn check(config: String) -> std::result::Result<(), wit::PluginError> {
        R::check(&own_config::<R>(&config)?.0).map_err(Into::into)
    }

    fn discover(config: String) -> std::result::Result<Vec<wit::StreamDescriptor>, wit::PluginError> {
        let (config, _) = own_config::<R>(&config)?;
        R::discover(&config).map(|v| v.into_iter().map(Into::into).collect()).map_err(Into::into)
    }
}

impl<R: Reader> wit_reader::GuestExtraction for ExtractionExport<R> {
    fn open(request: wit::ReadRequest) -> std::result::Result<wit_reader::Extraction, wit::PluginError> {
        let mut request = ReadRequest::from(request);
        (request.config, request.incremental) = own_config::<R>(&request.config)?;
        let inner = R::open(request).map_err(wit::PluginError::from)?;
        Ok(wit_reader::Extraction::new(ExtractionExport::<R>(RefCell::new(inner))))
    }

    fn next(&self) -> std::result::Result<Option<wit::Batch>, wit::PluginError> {
        self.0.borrow_mut().next().map(|b| b.map(Into::into)).map_err(Into::into)
    }
}

/// The plugin's own config and the host's incremental settings (see `crate::config`).
fn own_config<R: Reader>(config: &str) -> std::result::Result<(String, Option<Incremental>), wit::PluginError> {
    config::split_host_keys(config, &R::spec().config_schema).map_err(Into::into)
}

/// Exports `$ty` (a type implementing `Reader`) as the plugin's `reader` interface.
/// Call it once, at the top level of the plugin crate.
#[macro_export]
macro_rules! export_reader {
    ($ty:ty) => {
        #[doc(hidden)]
        type __DativoReaderExport = $crate::reader::ReaderExport<$ty>;
        $crate::bindings::reader::export!(__DativoReaderExport with_types_in $crate::bindings::reader);
    };
}
