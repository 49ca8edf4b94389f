//! Change data capture: logical replication with the built-in pgoutput plugin over the
//! same granted socket. One slot per stream (created when missing); the stream's table's
//! inserts, updates and deletes become rows with `_op` (I, U, D) and `_lsn` (the commit
//! LSN of their transaction); values are text, cast by the host to the contract's types.
//!
//! Exactly once: the checkpoint is `{"lsn": "X/Y"}`, the end LSN of the last transaction
//! in a batch, and a batch ends only at a commit. The slot's confirmed position is moved
//! to the checkpoint a run starts from, which the host hands over only once the data
//! before it is committed; nothing newer is confirmed, so a crash replays, never loses.
//! A run reads until it reaches the server's WAL position at its start.

use std::cell::Cell;

use dativo_plugin_sdk::arrow::ipc_batch;
use dativo_plugin_sdk::{log, Batch, PluginError, ReadRequest, Result};
use serde_json::{json, Value};

use crate::columns::Columns;
use crate::config::{Cdc, Config};
use crate::pgoutput::{change, frame, lsn_text, parse_lsn, status_update, Change, Frame};
use crate::read::connect_as;
use crate::types::{quote_ident, quote_literal, ColumnKind, Kind};
use crate::wire::Connection;

thread_local! {
    /// The checkpoint this instance was first opened with: the host's committed one. A
    /// reopen after a transient error starts at a checkpoint of this run, which the host
    /// has not committed yet: it is never confirmed to the slot.
    static COMMITTED: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The position to confirm for an extraction starting at `start`.
fn confirmable(start: u64) -> u64 {
    COMMITTED.with(|c| {
        if c.get().is_none() {
            c.set(Some(start));
        }
        c.get().unwrap_or(start)
    })
}

pub struct CdcExtraction {
    conn: Option<Connection>,
    schema: String,
    table: String,
    relation: Option<u32>,
    names: Vec<String>,
    columns: Option<Columns>,
    /// The stream's changes in the open transaction.
    pending: Vec<(char, Vec<Option<String>>)>,
    in_txn: bool,
    /// What the slot may be confirmed to (see COMMITTED).
    confirm: u64,
    target: u64,
    last_commit: u64,
    batch_rows: usize,
}

fn checkpoint_lsn(checkpoint: Option<&str>) -> Result<u64> {
    let Some(text) = checkpoint else { return Ok(0) };
    let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    v.get("lsn").and_then(Value::as_str).and_then(parse_lsn).ok_or_else(|| {
        PluginError::config("CHECKPOINT_INVALID", "the saved checkpoint is not a CDC checkpoint ({\"lsn\": \"X/Y\"})")
    })
}

fn slot_name(cdc: &Cdc, stream: &str) -> String {
    cdc.slot.clone().unwrap_or_else(|| {
        let clean: String = stream.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        format!("dativo_{clean}")
    })
}

impl CdcExtraction {
    pub fn open(request: &ReadRequest, config: &Config, cdc: &Cdc) -> Result<CdcExtraction> {
        let (schema, table) = config.table(&request.stream).ok_or_else(|| {
            PluginError::config("CDC_INVALID", format!("stream {:?} is a query; CDC reads tables", request.stream))
        })?;
        let start = checkpoint_lsn(request.checkpoint.as_deref())?;
        let slot = slot_name(cdc, &request.stream);
        let mut conn = connect_as(config, true)?;
        let exists = conn.query(&format!("SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = {}", quote_literal(&slot)))?.1;
        if exists.is_empty() {
            conn.query(&format!("CREATE_REPLICATION_SLOT {} LOGICAL pgoutput NOEXPORT_SNAPSHOT", quote_ident(&slot)))?;
            log::log(log::Level::Info, "postgres-reader: replication slot created; changes from now on are captured", &[("slot", &slot)]);
        }
        let (_, rows) = conn.query("IDENTIFY_SYSTEM")?;
        let target = rows.first().and_then(|r| r.get(2)).cloned().flatten().as_deref().and_then(parse_lsn)
            .ok_or_else(|| PluginError::internal("PG_PROTOCOL", "IDENTIFY_SYSTEM gave no WAL position"))?;
        conn.start_replication(&format!(
            "START_REPLICATION SLOT {} LOGICAL {} (proto_version '1', publication_names {})",
            quote_ident(&slot), lsn_text(start), quote_literal(&quote_ident(&cdc.publication)),
        ))?;
        // Confirms the committed checkpoint (and asks for a keepalive: where the server is).
        let confirm = confirmable(start);
        conn.send_copy_data(&status_update(confirm, true))?;
        Ok(CdcExtraction {
            conn: Some(conn), schema, table, relation: None, names: vec![], columns: None, pending: vec![],
            in_txn: false, confirm, target, last_commit: start, batch_rows: config.batch_rows,
        })
    }

    pub fn next(&mut self) -> Result<Option<Batch>> {
        loop {
            let Some(conn) = self.conn.as_mut() else { return Ok(None) };
            let data = conn.replication_data()?;
            match frame(&data)? {
                Frame::Keepalive { wal_end, reply } => {
                    if !self.in_txn && wal_end >= self.target {
                        return self.finish();
                    }
                    if !self.in_txn {
                        // Not there yet: ask again shortly (the server answers at once).
                        wasi::clocks::monotonic_clock::subscribe_duration(20_000_000).block();
                    }
                    conn.send_copy_data(&status_update(self.confirm, reply || !self.in_txn))?;
                }
                Frame::XLogData { data } => match change(data)? {
                    Change::Begin => self.in_txn = true,
                    Change::Relation { id, namespace, name, columns } if namespace == self.schema && name == self.table => {
                        let names: Vec<String> = columns.into_iter().map(|c| c.name).collect();
                        if self.columns.is_some() && names != self.names {
                            return Err(PluginError::not_supported("CDC_SCHEMA_CHANGED", format!("the columns of {}.{} changed during the run", self.schema, self.table)));
                        }
                        self.relation = Some(id);
                        self.names = names;
                    }
                    Change::Row { relation, op, values } if Some(relation) == self.relation => self.pending.push((op, values)),
                    Change::Truncate { relations } if self.relation.is_some_and(|r| relations.contains(&r)) => {
                        log::log(log::Level::Warn, "postgres-reader: a TRUNCATE of the table is not captured", &[("table", &self.table)]);
                    }
                    Change::Commit { end_lsn } => {
                        self.in_txn = false;
                        self.last_commit = end_lsn;
                        self.take_pending(end_lsn)?;
                        if end_lsn >= self.target {
                            return self.finish();
                        }
                        if self.columns.as_ref().is_some_and(|c| c.rows() >= self.batch_rows) {
                            return self.emit().map(Some);
                        }
                    }
                    _ => {}
                },
            }
        }
    }

    fn take_pending(&mut self, lsn: u64) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let names = &self.names;
        let columns = self.columns.get_or_insert_with(|| {
            let mut all = names.clone();
            all.extend(["_op".to_string(), "_lsn".to_string()]);
            let mut kinds = vec![ColumnKind::Scalar(Kind::Text); names.len() + 1];
            kinds.push(ColumnKind::Scalar(Kind::Int64));
            Columns::new(all, kinds)
        });
        let lsn_bytes = (lsn as i64).to_be_bytes();
        for (op, values) in self.pending.drain(..) {
            let op = op.to_string();
            let mut row: Vec<Option<&[u8]>> = values.iter().map(|v| v.as_deref().map(str::as_bytes)).collect();
            row.push(Some(op.as_bytes()));
            row.push(Some(&lsn_bytes));
            columns.push(&row)?;
        }
        Ok(())
    }

    /// The rows so far; the stream ends here (the WAL position of the run's start reached).
    fn finish(&mut self) -> Result<Option<Batch>> {
        self.conn = None;
        match &self.columns {
            Some(c) if c.rows() > 0 => self.emit().map(Some),
            _ => Ok(None),
        }
    }

    fn emit(&mut self) -> Result<Batch> {
        let batch = self.columns.as_mut().expect("columns").finish()?;
        ipc_batch(&[batch], Some(json!({"lsn": lsn_text(self.last_commit)}).to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_checkpoint_of_an_instance_is_confirmed() {
        assert_eq!(confirmable(100), 100);
        assert_eq!(confirmable(250), 100, "a reopen at an in-run checkpoint confirms the committed one");
        assert_eq!(confirmable(300), 100);
    }
}
