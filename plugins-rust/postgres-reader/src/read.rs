//! One stream's extraction: `COPY (SELECT ...) TO STDOUT (FORMAT binary)` streamed into
//! Arrow record batches of at most `batch_rows` rows and about a quarter of the host's
//! `max_batch_bytes`. Incremental: ordered by the cursor, a batch ends only where the
//! cursor value changes, so its checkpoint resumes exactly after it.

use dativo_plugin_sdk::arrow::ipc_batch;
use dativo_plugin_sdk::{secrets, Batch, PluginError, ReadRequest, Result};

use crate::columns::Columns;
use crate::config::Config;
use crate::copy::{CopyStream, Next};
use crate::cursor::Cursor;
use crate::types::{column_kind, is_cursor_type, select_expr, ColumnKind};
use crate::widths::widened;
use crate::wire::{Column, Connect, Connection};

pub struct Extraction {
    conn: Option<Connection>,
    copy: CopyStream,
    columns: Columns,
    cursor: Option<Cursor>,
    batch_rows: usize,
    soft_bytes: usize,
    hard_bytes: usize,
    batch_bytes: usize,
    /// The cursor bytes of the batch's last row.
    last_cursor: Option<Vec<u8>>,
}

/// Connects with the config's credentials (the password from the secrets interface).
pub fn connect(config: &Config) -> Result<Connection> {
    connect_as(config, false)
}

/// `replication`: a logical replication connection (CDC).
pub fn connect_as(config: &Config, replication: bool) -> Result<Connection> {
    let password = secrets::get(&config.password_secret)?;
    let c = Connect { host: &config.host, port: config.port, user: &config.user, database: &config.database, password: &password, replication };
    Connection::open(&c)
}

/// The columns of `SELECT * FROM <from>`, from a RowDescription (no row is read).
pub fn describe(conn: &mut Connection, from: &str) -> Result<Vec<Column>> {
    Ok(conn.query(&format!("SELECT * FROM {from} LIMIT 0"))?.0)
}

impl Extraction {
    pub fn open(request: &ReadRequest) -> Result<Extraction> {
        let config = Config::parse(&request.config)?;
        let from = config.source(&request.stream).from_sql();
        let mut conn = connect(&config)?;
        let described = describe(&mut conn, &from)?;
        let kinds: Vec<ColumnKind> = described.iter().map(|c| column_kind(c.type_oid, c.type_modifier)).collect();
        let cursor = match &request.incremental {
            Some(inc) if inc.strategy == "cursor" => {
                let field = inc.cursor_field.as_deref().ok_or_else(|| PluginError::config("CURSOR_INVALID", "incremental cursor without cursor_field"))?;
                let index = described.iter().position(|c| c.name == field).ok_or_else(|| {
                    PluginError::config("CURSOR_INVALID", format!("cursor_field {field:?} is not a column of stream {:?}", request.stream))
                })?;
                let ColumnKind::Scalar(kind) = kinds[index] else {
                    return Err(PluginError::config("CURSOR_INVALID", format!("cursor_field {field:?} is an array")));
                };
                if !is_cursor_type(described[index].type_oid) {
                    return Err(PluginError::config("CURSOR_INVALID", format!("cursor_field {field:?}: rows are resumed by an integer, numeric, text, uuid, date or timestamp column")));
                }
                Some(Cursor::new(field, index, kind, request.checkpoint.as_deref(), inc.lookback.as_deref())?)
            }
            Some(inc) => return Err(PluginError::not_supported("STRATEGY_NOT_SUPPORTED", format!("incremental strategy {:?}: this reader supports cursor", inc.strategy))),
            None => None,
        };
        let list: Vec<String> = described.iter().map(|c| select_expr(&c.name, c.type_oid, c.type_modifier)).collect();
        let clause = cursor.as_ref().map(Cursor::clause).unwrap_or_default();
        conn.start_copy(&format!("COPY (SELECT {} FROM {from}{clause}) TO STDOUT (FORMAT binary)", list.join(", ")))?;
        let names: Vec<String> = described.into_iter().map(|c| c.name).collect();
        let max = usize::try_from(request.max_batch_bytes).unwrap_or(usize::MAX).max(1 << 16);
        Ok(Extraction {
            conn: Some(conn),
            copy: CopyStream::default(),
            columns: Columns::new(names.clone(), widened(&names, &kinds, request.schema.as_deref())),
            cursor,
            batch_rows: config.batch_rows,
            soft_bytes: max / 4,
            hard_bytes: max / 2,
            batch_bytes: 0,
            last_cursor: None,
        })
    }

    pub fn next(&mut self) -> Result<Option<Batch>> {
        loop {
            let Some(conn) = self.conn.as_mut() else { return Ok(None) };
            match self.copy.next()? {
                Next::NeedMore => {
                    if !conn.copy_data_into(self.copy.spare())? {
                        return Err(PluginError::internal("PG_COPY_FORMAT", "COPY ended without its trailer"));
                    }
                }
                Next::Trailer => {
                    while conn.copy_data()?.is_some() {}
                    self.conn = None;
                    return if self.columns.rows() > 0 { self.emit(true).map(Some) } else { Ok(None) };
                }
                Next::Tuple(len) => {
                    let full = self.columns.rows() >= self.batch_rows || self.batch_bytes >= self.soft_bytes;
                    if full {
                        let raw = self.cursor.as_ref().map(|c| self.copy.bytes(&self.copy.fields()[c.index]));
                        let boundary = match raw {
                            None => true,
                            Some(raw) => raw != self.last_cursor.as_deref(),
                        };
                        if boundary {
                            return self.emit(true).map(Some);
                        }
                        if self.batch_bytes >= self.hard_bytes {
                            // One cursor value past half the batch limit: cut without a
                            // checkpoint (the host then does not reopen in the middle).
                            return self.emit(false).map(Some);
                        }
                    }
                    self.columns.push_fields(self.copy.buf(), self.copy.fields())?;
                    if let Some(c) = &self.cursor {
                        match self.copy.bytes(&self.copy.fields()[c.index]) {
                            Some(v) => {
                                let last = self.last_cursor.get_or_insert_with(Vec::new);
                                last.clear();
                                last.extend_from_slice(v);
                            }
                            None => self.last_cursor = None,
                        }
                    }
                    self.batch_bytes += len;
                    self.copy.consume(len);
                }
            }
        }
    }

    /// The batch so far; with `checkpointed` and a cursor, its checkpoint.
    fn emit(&mut self, checkpointed: bool) -> Result<Batch> {
        let checkpoint = match (&self.cursor, &self.last_cursor, checkpointed) {
            (Some(c), Some(raw), true) => Some(c.checkpoint(raw)?),
            _ => None,
        };
        let batch = self.columns.finish()?;
        self.batch_bytes = 0;
        ipc_batch(&[batch], checkpoint)
    }
}
