//! A file's bytes as the CSV parser sees them: decompressed (gzip, zstd) and transcoded
//! (latin1 -> UTF-8) as a stream, never inflated whole in memory, after a UTF-8 BOM and
//! the config's `skip_rows` lines. Decompression is file-source's (plain files keep its
//! positional reads).

use std::io::{self, Read};

use crate::config::{Config, Encoding};
use crate::error::Result;

/// The file's text bytes, from its first byte after the BOM and the skipped lines.
pub fn open(path: &str, config: &Config) -> Result<Box<dyn Read>> {
    let decompressed = file_source::source::open(path, config.compression)?;
    let bom = config.encoding == Encoding::Utf8;
    let head = Prelude { inner: decompressed, bom, lines: config.skip_rows, pending: Vec::new(), at: 0 };
    Ok(match config.encoding {
        Encoding::Utf8 => Box::new(head),
        Encoding::Latin1 => Box::new(Latin1 { inner: head, raw: Vec::new(), carry: None }),
    })
}

/// Drops a UTF-8 BOM (`bom`) and then `lines` LF-terminated lines, then passes reads on.
struct Prelude<R> {
    inner: R,
    bom: bool,
    lines: usize,
    pending: Vec<u8>,
    at: usize,
}

impl<R: Read> Prelude<R> {
    /// Reads on until `pending` holds at least `n` bytes from `at`, or the input ends.
    fn want(&mut self, n: usize) -> io::Result<()> {
        if self.at > 0 {
            self.pending.drain(..self.at);
            self.at = 0;
        }
        let mut chunk = [0u8; 64 * 1024];
        while self.pending.len() < n {
            let got = self.inner.read(&mut chunk)?;
            if got == 0 {
                break;
            }
            self.pending.extend_from_slice(&chunk[..got]);
        }
        Ok(())
    }
}

impl<R: Read> Read for Prelude<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.bom {
            self.want(3)?;
            if self.pending.starts_with(b"\xEF\xBB\xBF") {
                self.at = 3;
            }
            self.bom = false;
        }
        while self.lines > 0 {
            match self.pending[self.at..].iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.at += i + 1;
                    self.lines -= 1;
                }
                None => {
                    self.pending.clear();
                    self.at = 0;
                    self.want(1)?;
                    if self.pending.is_empty() {
                        self.lines = 0;
                    }
                }
            }
        }
        if self.at < self.pending.len() {
            let n = buf.len().min(self.pending.len() - self.at);
            buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
            self.at += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

/// ISO-8859-1 bytes as UTF-8: every byte is the code point of its value.
struct Latin1<R> {
    inner: R,
    raw: Vec<u8>,
    /// The second byte of a character that did not fit the last read.
    carry: Option<u8>,
}

impl<R: Read> Read for Latin1<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(b) = self.carry.take() {
            buf[0] = b;
            return Ok(1);
        }
        self.raw.resize(buf.len().div_ceil(2), 0);
        let n = self.inner.read(&mut self.raw)?;
        let mut out = 0;
        for &b in &self.raw[..n] {
            if b < 0x80 {
                buf[out] = b;
                out += 1;
            } else {
                buf[out] = 0xC0 | (b >> 6);
                match buf.get_mut(out + 1) {
                    Some(next) => *next = 0x80 | (b & 0x3F),
                    None => self.carry = Some(0x80 | (b & 0x3F)),
                }
                out = (out + 2).min(buf.len());
            }
        }
        Ok(out)
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

    fn prelude(bytes: &[u8], bom: bool, lines: usize) -> Vec<u8> {
        read_all(Prelude { inner: bytes, bom, lines, pending: Vec::new(), at: 0 })
    }

    #[test]
    fn bom_and_skipped_lines() {
        assert_eq!(prelude(b"\xEF\xBB\xBFa,b\n1,2\n", true, 0), b"a,b\n1,2\n");
        assert_eq!(prelude(b"\xEF\xBB\xBFa,b\n", false, 0), b"\xEF\xBB\xBFa,b\n");
        assert_eq!(prelude(b"\xEF\xBB", true, 0), b"\xEF\xBB");
        assert_eq!(prelude(b"", true, 3), b"");
        assert_eq!(prelude(b"x\ny\r\na,b\n1,2\n", true, 2), b"a,b\n1,2\n");
        assert_eq!(prelude(b"\xEF\xBB\xBFx\na\n", true, 1), b"a\n");
        assert_eq!(prelude(b"x\ny", true, 5), b"");
    }

    #[test]
    fn latin1_to_utf8() {
        let text: Vec<u8> = (0u8..=255).collect();
        let out = read_all(Latin1 { inner: &text[..], raw: Vec::new(), carry: None });
        let expected: String = (0u8..=255).map(char::from).collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
