//! The PostgreSQL frontend/backend protocol (v3) over one `Tcp`: startup, SCRAM-SHA-256 or
//! md5 authentication, simple queries (text rows) and `COPY ... TO STDOUT` (its data
//! streamed). Message codecs and SCRAM are the sans-io `postgres-protocol` crate's.
//! No TLS: the connection is plaintext (docs/postgres.md).

use bytes::{Buf, BytesMut};
use dativo_plugin_sdk::{PluginError, Result};
use fallible_iterator::FallibleIterator;
use postgres_protocol::authentication::md5_hash;
use postgres_protocol::authentication::sasl::{ChannelBinding, ScramSha256, SCRAM_SHA_256};
use postgres_protocol::message::backend::{ErrorResponseBody, Message};
use postgres_protocol::message::frontend;

use crate::errors::server_error;
use crate::net::{lost, Tcp};

pub struct Connect<'a> {
    pub host: &'a str,
    pub port: u16,
    pub user: &'a str,
    pub database: &'a str,
    pub password: &'a str,
    /// A logical replication connection (`replication=database`), for CDC.
    pub replication: bool,
}

/// A column of a result: its name, type (pg_type oid) and type modifier (-1: none).
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub type_oid: u32,
    pub type_modifier: i32,
}

pub struct Connection {
    tcp: Tcp,
    buf: BytesMut,
    out: BytesMut,
}

fn codec(e: std::io::Error) -> PluginError {
    PluginError::internal("PG_PROTOCOL", format!("cannot encode or decode a protocol message: {e}"))
}

fn unexpected(what: &str, m: &Message) -> PluginError {
    let tag = format!("{:?}", std::mem::discriminant(m));
    PluginError::internal("PG_PROTOCOL", format!("unexpected server message during {what} ({tag})"))
}

impl Connection {
    /// Connects, authenticates and waits until the server is ready for a query.
    pub fn open(c: &Connect) -> Result<Connection> {
        let mut conn = Connection { tcp: Tcp::connect(c.host, c.port)?, buf: BytesMut::with_capacity(1 << 16), out: BytesMut::new() };
        let mut params = vec![("user", c.user), ("database", c.database), ("client_encoding", "UTF8"), ("DateStyle", "ISO"),
            ("TimeZone", "UTC"), ("application_name", "dativo-postgres-reader")];
        if c.replication {
            params.push(("replication", "database"));
        }
        frontend::startup_message(params.iter().copied(), &mut conn.out).map_err(codec)?;
        conn.flush()?;
        conn.authenticate(c)?;
        conn.until_ready(|_| Ok(()))?;
        Ok(conn)
    }

    fn authenticate(&mut self, c: &Connect) -> Result<()> {
        let mut scram: Option<ScramSha256> = None;
        loop {
            match self.recv()? {
                Message::AuthenticationOk => return Ok(()),
                Message::AuthenticationMd5Password(body) => {
                    let hash = md5_hash(c.user.as_bytes(), c.password.as_bytes(), body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.out).map_err(codec)?;
                    self.flush()?;
                }
                Message::AuthenticationSasl(body) => {
                    let mut mechanisms = body.mechanisms();
                    let mut scram_offered = false;
                    while let Some(m) = mechanisms.next().map_err(codec)? {
                        scram_offered |= m == SCRAM_SHA_256;
                    }
                    if !scram_offered {
                        return Err(PluginError::auth("PG_AUTH_UNSUPPORTED", "the server offers no SASL mechanism but SCRAM-SHA-256-PLUS, which needs TLS"));
                    }
                    let s = ScramSha256::new(c.password.as_bytes(), ChannelBinding::unsupported());
                    frontend::sasl_initial_response(SCRAM_SHA_256, s.message(), &mut self.out).map_err(codec)?;
                    self.flush()?;
                    scram = Some(s);
                }
                Message::AuthenticationSaslContinue(body) => {
                    let s = scram.as_mut().ok_or_else(|| PluginError::internal("PG_PROTOCOL", "SASL continue before SASL start"))?;
                    s.update(body.data()).map_err(|e| PluginError::auth("PG_AUTH_FAILED", format!("SCRAM exchange failed: {e}")))?;
                    frontend::sasl_response(s.message(), &mut self.out).map_err(codec)?;
                    self.flush()?;
                }
                Message::AuthenticationSaslFinal(body) => {
                    let s = scram.as_mut().ok_or_else(|| PluginError::internal("PG_PROTOCOL", "SASL final before SASL start"))?;
                    s.finish(body.data()).map_err(|e| PluginError::auth("PG_AUTH_FAILED", format!("the server's SCRAM signature is wrong: {e}")))?;
                }
                Message::AuthenticationCleartextPassword => {
                    return Err(PluginError::auth("PG_AUTH_UNSUPPORTED", "the server asks for a cleartext password, which this plugin never sends over plaintext TCP: use scram-sha-256 or md5"));
                }
                Message::ErrorResponse(body) => return Err(error_of(&body)),
                Message::NoticeResponse(_) => {}
                m => return Err(PluginError::auth("PG_AUTH_UNSUPPORTED", format!("unsupported authentication request ({:?})", std::mem::discriminant(&m)))),
            }
        }
    }

    /// A simple query: its columns and rows (text format; None is NULL). One statement.
    pub fn query(&mut self, sql: &str) -> Result<(Vec<Column>, Vec<Vec<Option<String>>>)> {
        frontend::query(sql, &mut self.out).map_err(codec)?;
        self.flush()?;
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        let mut failed = None;
        self.until_ready(|m| {
            match m {
                Message::RowDescription(body) => columns = describe(&body)?,
                Message::DataRow(body) => {
                    let buf = body.buffer();
                    let mut ranges = body.ranges();
                    let mut row = Vec::new();
                    while let Some(r) = ranges.next().map_err(codec)? {
                        row.push(r.map(|r| String::from_utf8_lossy(&buf[r]).into_owned()));
                    }
                    rows.push(row);
                }
                Message::ErrorResponse(body) => failed = Some(error_of(&body)),
                _ => {}
            }
            Ok(())
        })?;
        match failed {
            Some(e) => Err(e),
            None => Ok((columns, rows)),
        }
    }

    /// Starts `COPY (...) TO STDOUT`: then `copy_data` until it returns None.
    pub fn start_copy(&mut self, sql: &str) -> Result<()> {
        frontend::query(sql, &mut self.out).map_err(codec)?;
        self.flush()?;
        loop {
            match self.recv()? {
                Message::CopyOutResponse(_) => return Ok(()),
                Message::ErrorResponse(body) => {
                    let e = error_of(&body);
                    self.until_ready(|_| Ok(()))?;
                    return Err(e);
                }
                Message::NoticeResponse(_) | Message::ParameterStatus(_) => {}
                m => return Err(unexpected("COPY start", &m)),
            }
        }
    }

    /// Appends the payloads of every CopyData message already received to `out` (reading
    /// from the socket when none is complete), without decoding each one as a Message: the
    /// server sends a message per row. False after CopyDone (the connection is ready again).
    pub fn copy_data_into(&mut self, out: &mut Vec<u8>) -> Result<bool> {
        loop {
            let b = &self.buf[..];
            let mut at = 0;
            while b.len() >= at + 5 && b[at] == b'd' {
                let len = u32::from_be_bytes(b[at + 1..at + 5].try_into().unwrap()) as usize;
                if len < 4 {
                    return Err(PluginError::internal("PG_PROTOCOL", "a CopyData message shorter than its header"));
                }
                if b.len() < at + 1 + len {
                    break;
                }
                out.extend_from_slice(&b[at + 5..at + 1 + len]);
                at += 1 + len;
            }
            if at > 0 {
                self.buf.advance(at);
                return Ok(true);
            }
            if self.buf.len() >= 5 && self.buf[0] != b'd' {
                // CopyDone, an error or a notice: the decoding path.
                return Ok(match self.copy_data()? {
                    Some(bytes) => {
                        out.extend_from_slice(&bytes);
                        true
                    }
                    None => false,
                });
            }
            self.fill()?;
        }
    }

    /// The next CopyData payload, or None after CopyDone (the connection is ready again).
    pub fn copy_data(&mut self) -> Result<Option<bytes::Bytes>> {
        loop {
            match self.recv()? {
                Message::CopyData(body) => return Ok(Some(body.into_bytes())),
                Message::CopyDone => {
                    let mut failed = None;
                    self.until_ready(|m| {
                        if let Message::ErrorResponse(body) = m {
                            failed = Some(error_of(body));
                        }
                        Ok(())
                    })?;
                    return failed.map_or(Ok(None), Err);
                }
                Message::ErrorResponse(body) => return Err(error_of(&body)),
                Message::NoticeResponse(_) | Message::ParameterStatus(_) => {}
                m => return Err(unexpected("COPY", &m)),
            }
        }
    }

    /// Sends START_REPLICATION and waits for CopyBothResponse (a message postgres-protocol
    /// does not decode, so it is taken off the buffer here).
    pub fn start_replication(&mut self, sql: &str) -> Result<()> {
        frontend::query(sql, &mut self.out).map_err(codec)?;
        self.flush()?;
        loop {
            while self.buf.len() < 5 {
                self.fill()?;
            }
            if self.buf[0] == b'W' {
                let len = u32::from_be_bytes(self.buf[1..5].try_into().unwrap()) as usize + 1;
                while self.buf.len() < len {
                    self.fill()?;
                }
                let _ = self.buf.split_to(len);
                return Ok(());
            }
            match self.recv()? {
                Message::ErrorResponse(body) => {
                    let e = error_of(&body);
                    if !fatal(&body) {
                        self.until_ready(|_| Ok(()))?;
                    }
                    return Err(e);
                }
                Message::NoticeResponse(_) | Message::ParameterStatus(_) => {}
                m => return Err(unexpected("START_REPLICATION", &m)),
            }
        }
    }

    /// The next CopyData payload of a replication stream.
    pub fn replication_data(&mut self) -> Result<bytes::Bytes> {
        loop {
            match self.recv()? {
                Message::CopyData(body) => return Ok(body.into_bytes()),
                Message::ErrorResponse(body) => return Err(error_of(&body)),
                Message::NoticeResponse(_) | Message::ParameterStatus(_) => {}
                Message::CopyDone => return Err(lost("the server ended the replication stream")),
                m => return Err(unexpected("replication", &m)),
            }
        }
    }

    /// Sends one CopyData message (a standby status update).
    pub fn send_copy_data(&mut self, data: &[u8]) -> Result<()> {
        self.out.extend_from_slice(&[b'd']);
        self.out.extend_from_slice(&(data.len() as u32 + 4).to_be_bytes());
        self.out.extend_from_slice(data);
        self.flush()
    }

    /// Reads messages until ReadyForQuery, handing each other message to `f`.
    fn until_ready(&mut self, mut f: impl FnMut(&Message) -> Result<()>) -> Result<()> {
        loop {
            let m = self.recv()?;
            if let Message::ReadyForQuery(_) = m {
                return Ok(());
            }
            if let Message::ErrorResponse(body) = &m {
                // A FATAL error ends the session: no ReadyForQuery follows.
                if fatal(body) {
                    return Err(error_of(body));
                }
            }
            f(&m)?;
        }
    }

    fn recv(&mut self) -> Result<Message> {
        loop {
            if let Some(m) = Message::parse(&mut self.buf).map_err(codec)? {
                return Ok(m);
            }
            self.fill()?;
        }
    }

    fn fill(&mut self) -> Result<()> {
        let bytes = self.tcp.read()?;
        if bytes.is_empty() {
            return Err(lost("the server closed the connection"));
        }
        self.buf.extend_from_slice(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let out = self.out.split();
        self.tcp.write_all(&out)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        frontend::terminate(&mut self.out);
        let _ = self.flush();
    }
}

fn describe(body: &postgres_protocol::message::backend::RowDescriptionBody) -> Result<Vec<Column>> {
    let mut fields = body.fields();
    let mut columns = Vec::new();
    while let Some(f) = fields.next().map_err(codec)? {
        columns.push(Column { name: f.name().to_string(), type_oid: f.type_oid(), type_modifier: f.type_modifier() });
    }
    Ok(columns)
}

fn fields(body: &ErrorResponseBody) -> (String, String, String) {
    let (mut severity, mut code, mut message) = (String::new(), String::new(), String::new());
    let mut it = body.fields();
    while let Ok(Some(f)) = it.next() {
        match f.type_() {
            b'V' => severity = String::from_utf8_lossy(f.value_bytes()).into_owned(),
            b'C' => code = String::from_utf8_lossy(f.value_bytes()).into_owned(),
            b'M' => message = String::from_utf8_lossy(f.value_bytes()).into_owned(),
            _ => {}
        }
    }
    (severity, code, message)
}

fn fatal(body: &ErrorResponseBody) -> bool {
    matches!(fields(body).0.as_str(), "FATAL" | "PANIC")
}

fn error_of(body: &ErrorResponseBody) -> PluginError {
    let (_, code, message) = fields(body);
    server_error(&code, &message)
}
