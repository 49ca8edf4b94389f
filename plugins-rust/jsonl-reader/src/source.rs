//! A file's bytes, decompressed (gzip, zstd) as a stream, never inflated whole in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::MultiGzDecoder;
use ruzstd::decoding::{FrameDecoder, StreamingDecoder};

use crate::config::{Compression, Config};
use crate::error::{Error, Result};
use crate::positional::PositionalReader;

/// Compressed bytes are read from the file in pieces of this size.
const COMPRESSED_READ: usize = 1 << 20;

pub fn open(path: &str, config: &Config) -> Result<Box<dyn Read>> {
    let file = File::open(path).map_err(|e| Error::config("FILE_NOT_FOUND", format!("{path}: cannot open: {e}")))?;
    let raw = PositionalReader::new(file);
    let compression = match config.compression {
        Compression::Auto if path.ends_with(".gz") => Compression::Gzip,
        Compression::Auto if path.ends_with(".zst") => Compression::Zstd,
        other => other,
    };
    Ok(match compression {
        Compression::Gzip => Box::new(MultiGzDecoder::new(BufReader::with_capacity(COMPRESSED_READ, raw))),
        Compression::Zstd => Box::new(ZstdFrames { decoder: None, source: Some(BufReader::with_capacity(COMPRESSED_READ, raw)) }),
        _ => Box::new(raw),
    })
}

/// zstd frames one after another (as `zstd` and `cat a.zst b.zst` write them).
struct ZstdFrames<R: BufRead> {
    decoder: Option<StreamingDecoder<R, FrameDecoder>>,
    source: Option<R>,
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(decoder) = &mut self.decoder {
                let n = decoder.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                let (source, _) = self.decoder.take().expect("a decoder").into_parts();
                self.source = Some(source);
            }
            let Some(mut source) = self.source.take() else { return Ok(0) };
            if source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            let decoder = StreamingDecoder::new(source).map_err(|e| io::Error::other(format!("zstd: {e}")))?;
            self.decoder = Some(decoder);
        }
    }
}
