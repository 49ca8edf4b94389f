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
    /// The fields of the tuple `next` found last (reused: no allocation per row).
    fields: Vec<Option<Range<usize>>>,
}

pub enum Next {
    NeedMore,
    Trailer,
    /// A tuple of this many bytes at the front; its fields are `fields()`.
    Tuple(usize),
}

fn malformed(what: &str) -> PluginError {
    PluginError::internal("PG_COPY_FORMAT", format!("malformed binary COPY data: {what}"))
}

impl CopyStream {
    #[cfg(test)]
    pub fn feed(&mut self, data: &[u8]) {
        self.spare().extend_from_slice(data);
    }

    /// The buffer to append more COPY data to (consumed bytes dropped first, now and then).
    pub fn spare(&mut self) -> &mut Vec<u8> {
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        &mut self.buf
    }

    /// The buffer the ranges of `fields()` point into.
    pub fn buf(&self) -> &[u8] {
        &self.buf
    }

    /// Each field of the last tuple found: a range of `buf()` (None: NULL).
    pub fn fields(&self) -> &[Option<Range<usize>>] {
        &self.fields
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
        let fields = &mut self.fields;
        fields.clear();
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
        Ok(Next::Tuple(at - start))
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
                    Next::Tuple(len) => {
                        let f = c.fields().to_vec();
                        got.push((c.bytes(&f[0]).map(<[u8]>::to_vec), c.bytes(&f[1]).is_none()));
                        c.consume(len);
                    }
                    Next::Trailer => break,
                }
            }
            assert_eq!(got, vec![(Some(7i32.to_be_bytes().to_vec()), true)], "split {split}");
        }
    }
}
