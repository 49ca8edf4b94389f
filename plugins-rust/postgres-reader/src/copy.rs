//! The binary COPY format (`COPY ... TO STDOUT (FORMAT binary)`) as a byte stream: the
//! CopyData payloads are appended, tuples are taken from the front. A tuple is only
//! consumed after the reader has decided to keep it in the current batch.

use std::ops::Range;

use dativo_plugin_sdk::{PluginError, Result};

const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

#[derive(Default)]
pub struct CopyStream {
    buf: Vec<u8>,
    pos: usize,
    header_done: bool,
}

/// The next tuple: `len` bytes at the front, each field a range of the buffer (None: NULL).
pub struct Tuple {
    pub len: usize,
    pub fields: Vec<Option<Range<usize>>>,
}

pub enum Next {
    NeedMore,
    Trailer,
    Tuple(Tuple),
}

fn malformed(what: &str) -> PluginError {
    PluginError::internal("PG_COPY_FORMAT", format!("malformed binary COPY data: {what}"))
}

impl CopyStream {
    pub fn feed(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    pub fn consume(&mut self, n: usize) {
        self.pos += n;
    }

    pub fn bytes(&self, r: &Option<Range<usize>>) -> Option<&[u8]> {
        r.as_ref().map(|r| &self.buf[r.clone()])
    }

    /// Looks at the next tuple without consuming it.
    pub fn next(&mut self) -> Result<Next> {
        if !self.header_done {
            let rest = &self.buf[self.pos..];
            if rest.len() < SIGNATURE.len() + 8 {
                return Ok(Next::NeedMore);
            }
            if &rest[..SIGNATURE.len()] != SIGNATURE {
                return Err(malformed("no PGCOPY signature"));
            }
            let ext = i32::from_be_bytes(rest[15..19].try_into().unwrap());
            let ext = usize::try_from(ext).map_err(|_| malformed("negative header extension"))?;
            if rest.len() < 19 + ext {
                return Ok(Next::NeedMore);
            }
            self.pos += 19 + ext;
            self.header_done = true;
        }
        let start = self.pos;
        let b = &self.buf;
        if b.len() < start + 2 {
            return Ok(Next::NeedMore);
        }
        let count = i16::from_be_bytes([b[start], b[start + 1]]);
        if count == -1 {
            return Ok(Next::Trailer);
        }
        let count = usize::try_from(count).map_err(|_| malformed("negative field count"))?;
        let mut at = start + 2;
        let mut fields = Vec::with_capacity(count);
        for _ in 0..count {
            if b.len() < at + 4 {
                return Ok(Next::NeedMore);
            }
            let len = i32::from_be_bytes(b[at..at + 4].try_into().unwrap());
            at += 4;
            if len < 0 {
                fields.push(None);
                continue;
            }
            let len = len as usize;
            if b.len() < at + len {
                return Ok(Next::NeedMore);
            }
            fields.push(Some(at..at + len));
            at += len;
        }
        Ok(Next::Tuple(Tuple { len: at - start, fields }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> Vec<u8> {
        let mut s = SIGNATURE.to_vec();
        s.extend_from_slice(&0i32.to_be_bytes());
        s.extend_from_slice(&0i32.to_be_bytes());
        s.extend_from_slice(&2i16.to_be_bytes());
        s.extend_from_slice(&4i32.to_be_bytes());
        s.extend_from_slice(&7i32.to_be_bytes());
        s.extend_from_slice(&(-1i32).to_be_bytes());
        s.extend_from_slice(&(-1i16).to_be_bytes());
        s
    }

    #[test]
    fn tuples_across_any_split() {
        let all = stream();
        for split in 0..all.len() {
            let mut c = CopyStream::default();
            c.feed(&all[..split]);
            let mut got = Vec::new();
            let mut fed = false;
            loop {
                match c.next().unwrap() {
                    Next::NeedMore => {
                        assert!(!fed, "split {split}: needs more after everything was fed");
                        c.feed(&all[split..]);
                        fed = true;
                    }
                    Next::Tuple(t) => {
                        got.push((c.bytes(&t.fields[0]).map(<[u8]>::to_vec), c.bytes(&t.fields[1]).is_none()));
                        c.consume(t.len);
                    }
                    Next::Trailer => break,
                }
            }
            assert_eq!(got, vec![(Some(7i32.to_be_bytes().to_vec()), true)], "split {split}");
        }
    }
}
