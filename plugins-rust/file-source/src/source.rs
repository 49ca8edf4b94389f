//! A file's bytes, decompressed (gzip, zstd) as a stream, never inflated whole in memory.
//! Plain files keep the positional reads.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::MultiGzDecoder;
use ruzstd::decoding::{FrameDecoder, StreamingDecoder};

use crate::config::Compression;
use crate::error::{Error, Result};
use crate::positional::PositionalReader;

/// Compressed bytes are read from the file in pieces of this size.
const COMPRESSED_READ: usize = 1 << 20;

/// The compression a file is read with: the config's, or by extension under `auto`.
pub fn compression_of(path: &str, compression: Compression) -> Compression {
    match compression {
        Compression::Auto if path.ends_with(".gz") => Compression::Gzip,
        Compression::Auto if path.ends_with(".zst") => Compression::Zstd,
        Compression::Auto => Compression::None,
        other => other,
    }
}

/// The file's bytes, decompressed as `compression` (the config's) says.
pub fn open(path: &str, compression: Compression) -> Result<Box<dyn Read>> {
    let file = File::open(path).map_err(|e| Error::config("FILE_NOT_FOUND", format!("{path}: cannot open: {e}")))?;
    let raw = PositionalReader::new(file);
    Ok(match compression_of(path, compression) {
        Compression::Gzip => Box::new(MultiGzDecoder::new(BufReader::with_capacity(COMPRESSED_READ, raw))),
        Compression::Zstd => Box::new(ZstdFrames::new(BufReader::with_capacity(COMPRESSED_READ, raw))),
        _ => Box::new(raw),
    })
}

/// zstd frames one after another (as `zstd` and `cat a.zst b.zst` write them).
struct ZstdFrames<R: BufRead> {
    decoder: Option<StreamingDecoder<R, FrameDecoder>>,
    source: Option<R>,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(source: R) -> Self {
        ZstdFrames { decoder: None, source: Some(source) }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(r: impl Read) -> Vec<u8> {
        let mut out = Vec::new();
        let mut r = r;
        let mut chunk = [0u8; 3];
        loop {
            let n = r.read(&mut chunk).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&chunk[..n]);
        }
    }

    #[test]
    fn zstd_frames_in_sequence() {
        // Two frames of `zstd -19` output for "a,b\n" and "1,2\n" (raw blocks).
        let frame = |s: &[u8]| {
            let mut f = vec![0x28, 0xB5, 0x2F, 0xFD, 0x20, s.len() as u8];
            f.extend_from_slice(&[(s.len() as u8) << 3 | 1, 0, 0]);
            f.extend_from_slice(s);
            f
        };
        let mut both = frame(b"a,b\n");
        both.extend(frame(b"1,2\n"));
        assert_eq!(read_all(ZstdFrames::new(&both[..])), b"a,b\n1,2\n");
        assert!(ZstdFrames::new(&b"not zstd"[..]).read(&mut [0u8; 8]).is_err());
    }

    #[test]
    fn compression_by_extension() {
        assert_eq!(compression_of("/d/a.csv.gz", Compression::Auto), Compression::Gzip);
        assert_eq!(compression_of("/d/a.jsonl.zst", Compression::Auto), Compression::Zstd);
        assert_eq!(compression_of("/d/a.jsonl", Compression::Auto), Compression::None);
        assert_eq!(compression_of("/d/a.gz", Compression::None), Compression::None);
    }
}
