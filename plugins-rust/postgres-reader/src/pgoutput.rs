//! The logical replication stream: its CopyData frames (XLogData `w`, primary keepalive
//! `k`) and the pgoutput (protocol version 1) messages inside XLogData. Values arrive in
//! text form; `u` (an unchanged TOASTed value) is read as NULL.

use dativo_plugin_sdk::{PluginError, Result};

pub enum Frame<'a> {
    XLogData { data: &'a [u8] },
    Keepalive { wal_end: u64, reply: bool },
}

pub struct RelationColumn {
    pub name: String,
}

pub enum Change {
    Begin,
    Commit { end_lsn: u64 },
    Relation { id: u32, namespace: String, name: String, columns: Vec<RelationColumn> },
    /// `op` is `I`, `U` or `D`; a delete carries the key (or old) tuple.
    Row { relation: u32, op: char, values: Vec<Option<String>> },
    Truncate { relations: Vec<u32> },
    /// Type, origin, logical message: nothing to write.
    Other,
}

fn short(what: &str) -> PluginError {
    PluginError::internal("PG_REPLICATION_FORMAT", format!("malformed replication message: {what}"))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(short("truncated"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.take(2)?.try_into().unwrap()))
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.take(8)?.try_into().unwrap()))
    }
    fn cstr(&mut self) -> Result<String> {
        let end = self.0.iter().position(|b| *b == 0).ok_or_else(|| short("unterminated string"))?;
        let s = String::from_utf8_lossy(&self.0[..end]).into_owned();
        self.0 = &self.0[end + 1..];
        Ok(s)
    }
    fn tuple(&mut self) -> Result<Vec<Option<String>>> {
        let n = self.u16()?;
        (0..n)
            .map(|_| match self.u8()? {
                b'n' | b'u' => Ok(None),
                b't' => {
                    let len = self.u32()? as usize;
                    Ok(Some(String::from_utf8_lossy(self.take(len)?).into_owned()))
                }
                k => Err(short(&format!("tuple value kind {:?}", k as char))),
            })
            .collect()
    }
}

pub fn frame(data: &[u8]) -> Result<Frame<'_>> {
    let mut r = Reader(data);
    match r.u8()? {
        b'w' => {
            r.take(24)?; // wal start, wal end, send time
            Ok(Frame::XLogData { data: r.0 })
        }
        b'k' => {
            let wal_end = r.u64()?;
            r.take(8)?;
            Ok(Frame::Keepalive { wal_end, reply: r.u8()? == 1 })
        }
        t => Err(short(&format!("frame {:?}", t as char))),
    }
}

pub fn change(data: &[u8]) -> Result<Change> {
    let mut r = Reader(data);
    Ok(match r.u8()? {
        b'B' => Change::Begin,
        b'C' => {
            r.u8()?;
            r.u64()?; // commit lsn
            Change::Commit { end_lsn: r.u64()? }
        }
        b'R' => {
            let id = r.u32()?;
            let namespace = r.cstr()?;
            let name = r.cstr()?;
            r.u8()?; // replica identity
            let n = r.u16()?;
            let mut columns = Vec::with_capacity(n as usize);
            for _ in 0..n {
                r.u8()?; // flags (part of the key)
                let name = r.cstr()?;
                r.take(8)?; // type oid, typmod: values come as text
                columns.push(RelationColumn { name });
            }
            Change::Relation { id, namespace, name, columns }
        }
        b'I' => {
            let relation = r.u32()?;
            r.u8()?; // 'N'
            Change::Row { relation, op: 'I', values: r.tuple()? }
        }
        b'U' => {
            let relation = r.u32()?;
            let mut kind = r.u8()?;
            if kind == b'K' || kind == b'O' {
                r.tuple()?;
                kind = r.u8()?;
            }
            if kind != b'N' {
                return Err(short("update without a new tuple"));
            }
            Change::Row { relation, op: 'U', values: r.tuple()? }
        }
        b'D' => {
            let relation = r.u32()?;
            r.u8()?; // 'K' or 'O'
            Change::Row { relation, op: 'D', values: r.tuple()? }
        }
        b'T' => {
            let n = r.u32()?;
            r.u8()?;
            Change::Truncate { relations: (0..n).map(|_| r.u32()).collect::<Result<_>>()? }
        }
        _ => Change::Other,
    })
}

/// `X/Y` (PostgreSQL's text form of an LSN) <-> u64.
pub fn lsn_text(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & 0xffff_ffff)
}

pub fn parse_lsn(text: &str) -> Option<u64> {
    let (hi, lo) = text.split_once('/')?;
    Some((u64::from_str_radix(hi, 16).ok()? << 32) | u64::from_str_radix(lo, 16).ok()?)
}

/// A standby status update: written, flushed and applied up to `lsn`.
pub fn status_update(lsn: u64, reply: bool) -> Vec<u8> {
    let mut m = vec![b'r'];
    for _ in 0..3 {
        m.extend_from_slice(&lsn.to_be_bytes());
    }
    m.extend_from_slice(&0i64.to_be_bytes()); // client clock: not used by the server
    m.push(u8::from(reply));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsns_and_messages() {
        assert_eq!(parse_lsn("16/B374D848"), Some(0x16_B374_D848));
        assert_eq!(lsn_text(0x16_B374_D848), "16/B374D848");
        let mut m = vec![b'I', 0, 0, 0, 7, b'N', 0, 2, b't', 0, 0, 0, 1, b'5', b'n'];
        let Change::Row { relation, op, values } = change(&m).unwrap() else { panic!() };
        assert_eq!((relation, op, values), (7, 'I', vec![Some("5".into()), None]));
        m.truncate(10);
        assert!(change(&m).is_err());
        assert_eq!(status_update(1, true).len(), 34);
    }
}
