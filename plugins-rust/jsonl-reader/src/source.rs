//! A file's bytes, decompressed (gzip, zstd) as a stream (file-source's source module).

use std::io::Read;

use crate::config::Config;
use crate::error::Result;

pub fn open(path: &str, config: &Config) -> Result<Box<dyn Read>> {
    file_source::source::open(path, config.compression)
}
