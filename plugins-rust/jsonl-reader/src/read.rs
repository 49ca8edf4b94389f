//! One stream's extraction: files in order, each decoded by arrow-json into record
//! batches of the stream's columns (typed by the contract, or inferred), filtered by the
//! cursor, encoded as IPC streams. A file's bytes come from source.rs (decompressed as a
//! stream) into one buffer the decoder reads from.
//!
//! Lines: LFs are counted as bytes are consumed; a batch's schema names the line of its
//! first record (dativo.source.line) only when its records are consecutive lines (not
//! across a blank line or a record spanning lines), since the host numbers the rows after
//! it from it. arrow-json's errors name no line: a failing batch is located by reading
//! the file again, record by record from that batch on (locate_error).

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMicrosecondType;
use arrow_array::{ArrayRef, RecordBatch, RecordBatchOptions};
use arrow_json::reader::Decoder;
use arrow_json::ReaderBuilder;
use arrow_schema::{ArrowError, Field, Schema, SchemaRef};

use crate::checkpoint;
use crate::config::Config;
use crate::cursor;
use crate::error::{Error, Result};
use crate::files;
use crate::incremental::{self, FileTask, Mode};
use crate::ipc;
use crate::json_text::JsonTextFactory;
use crate::schema::{self, Column, ColumnType, TIMESTAMP_TZ};
use crate::source;

#[cfg(test)]
mod tests;

/// Read buffer per file.
const READ_BUFFER: usize = 4 << 20;

/// What open() needs from the read-request.
pub struct Request<'a> {
    pub config: &'a str,
    pub schema: Option<&'a str>,
    pub checkpoint: Option<&'a str>,
    pub max_batch_bytes: u64,
}

/// One batch ready for the host.
pub struct Output {
    pub bytes: Vec<u8>,
    pub checkpoint: Option<String>,
}

pub struct Extraction {
    config: Config,
    columns: Vec<Column>,
    mode: Mode,
    files: VecDeque<FileTask>,
    current: Option<(FileTask, FileReader)>,
    ready: VecDeque<Output>,
    max_batch_bytes: usize,
    pub rows: usize,
    finished: bool,
}

impl Extraction {
    pub fn open(req: Request<'_>) -> Result<Extraction> {
        let config = Config::parse(req.config)?;
        let paths = files::resolve(&config.files)?;
        let columns = match req.schema {
            Some(s) => schema::from_json_schema(s)?,
            None => schema::infer(&paths[0], &config)?,
        };
        let previous = checkpoint::parse(req.checkpoint, &config)?;
        let cursor_field = config.cursor_field().unwrap_or("");
        let (tasks, mode) =
            incremental::plan(paths, config.strategy(), previous, |start| cursor::new(cursor_field, &columns, start))?;
        Ok(Extraction {
            config,
            columns,
            mode,
            files: tasks.into(),
            current: None,
            ready: VecDeque::new(),
            max_batch_bytes: usize::try_from(req.max_batch_bytes).unwrap_or(usize::MAX).max(1),
            rows: 0,
            finished: false,
        })
    }

    /// The next batch, or None at the end of the stream.
    pub fn next(&mut self) -> Result<Option<Output>> {
        loop {
            if let Some(out) = self.ready.pop_front() {
                return Ok(Some(out));
            }
            if self.finished {
                return Ok(None);
            }
            if self.current.is_none() {
                match self.files.pop_front() {
                    Some(task) => {
                        let reader = FileReader::open(&task.path, &self.config, &self.columns)?;
                        self.current = Some((task, reader));
                    }
                    None => {
                        self.finished = true;
                        return Ok(None);
                    }
                }
            }
            let (_, reader) = self.current.as_mut().expect("a current file");
            match reader.read_batch()? {
                Some(batch) => self.emit(batch)?,
                None => self.finish_file()?,
            }
        }
    }

    fn emit(&mut self, batch: RecordBatch) -> Result<()> {
        let batch = self.mode.filter(batch)?;
        if batch.num_rows() == 0 {
            return Ok(());
        }
        for (piece, bytes) in ipc::encode_within(&batch, self.max_batch_bytes)? {
            let checkpoint = self.mode.after_piece(&piece);
            self.rows += piece.num_rows();
            self.ready.push_back(Output { bytes, checkpoint });
        }
        Ok(())
    }

    /// The current file is exhausted: under file_mtime its checkpoint rides on its last
    /// batch (an empty batch when the file had no rows).
    fn finish_file(&mut self) -> Result<()> {
        let (task, reader) = self.current.take().expect("a current file");
        if let Some(state) = self.mode.after_file(task) {
            match self.ready.back_mut() {
                Some(last) => last.checkpoint = Some(state),
                None => {
                    let bytes = ipc::encode(&RecordBatch::new_empty(reader.schema.clone()))?;
                    self.ready.push_back(Output { bytes, checkpoint: Some(state) });
                }
            }
        }
        Ok(())
    }
}

/// LFs consumed by one batch, to tell whether its records are consecutive lines.
#[derive(Default, Clone, Copy)]
struct BatchLines {
    /// Before its first record.
    leading: usize,
    /// In everything it consumed.
    total: usize,
    /// In the whitespace its consumed bytes end with.
    trailing: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn count_lf(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

impl BatchLines {
    fn consumed(&mut self, bytes: &[u8]) {
        self.total += count_lf(bytes);
        let run = bytes.iter().rev().take_while(|&&b| is_space(b)).count();
        let tail = count_lf(&bytes[bytes.len() - run..]);
        self.trailing = if run == bytes.len() { self.trailing + tail } else { tail };
    }

    /// One LF between each two records, none inside one: row r is line first + r.
    fn exact(&self, rows: usize) -> bool {
        self.total.checked_sub(self.leading + self.trailing) == Some(rows.saturating_sub(1))
    }
}

/// One file's batches: its bytes in a buffer, arrow-json's decoder over them.
struct FileReader {
    path: String,
    config: Config,
    /// The stream's columns, then the keys of the file's first records it does not name.
    columns: Vec<Column>,
    stream: Vec<Column>,
    source: Box<dyn Read>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    decoder: Decoder,
    /// The batches' schema: the stream's columns (dativo.source = the file's path).
    schema: SchemaRef,
    /// LFs consumed before the batch being decoded.
    lines_before: usize,
    first_line: usize,
    /// Records decoded so far.
    rows_before: usize,
    /// A reader re-reading the file to locate an error.
    locating: bool,
}

impl FileReader {
    /// The file's batches carry the stream's columns (a key a record lacks is null) and,
    /// after them as JSON text, the keys of its first SAMPLE_ROWS records the stream does
    /// not name, so that the host's extra_columns decides about them; a key first seen
    /// later fails the read (arrow-json's strict mode) rather than being dropped unseen.
    fn open(path: &str, config: &Config, stream: &[Column]) -> Result<FileReader> {
        let mut columns = stream.to_vec();
        for key in schema::sample_keys(path, config)? {
            if !stream.iter().any(|c| c.name == key) {
                columns.push(Column { name: key, ty: ColumnType::Json, nullable: true });
            }
        }
        let parse_schema = schema::parse_schema(&columns);
        let fields: Vec<Field> = columns.iter().map(|c| c.ty.field(&c.name, true)).collect();
        let metadata: std::collections::HashMap<String, String> = [(ipc::SOURCE_KEY.to_string(), path.to_string())].into_iter().collect();
        Ok(FileReader {
            path: path.to_string(),
            config: config.clone(),
            stream: stream.to_vec(),
            source: source::open(path, config)?,
            buf: vec![0; READ_BUFFER],
            start: 0,
            end: 0,
            eof: false,
            decoder: decoder(parse_schema, config.batch_rows)?,
            columns,
            schema: Arc::new(Schema::new_with_metadata(fields, metadata)),
            lines_before: 0,
            first_line: 1,
            rows_before: 0,
            locating: false,
        })
    }

    /// Reads more bytes after the unconsumed ones; false at the end of the file.
    fn fill(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.source.read(&mut self.buf[self.end..]).map_err(|e| Error::io(&self.path, e))?;
        self.end += n;
        self.eof = n == 0;
        Ok(n > 0)
    }

    fn read_batch(&mut self) -> Result<Option<RecordBatch>> {
        let mut lines = BatchLines::default();
        let mut first = true;
        let outcome = loop {
            if self.start == self.end && !self.fill()? {
                break self.decoder.flush();
            }
            let data = &self.buf[self.start..self.end];
            if first {
                // Whitespace before the first record (it may fill a whole read).
                let space = data.iter().take_while(|&&b| is_space(b)).count();
                lines.leading += count_lf(&data[..space]);
                self.first_line = self.lines_before + lines.leading + 1;
                first = space == data.len();
            }
            match self.decoder.decode(data) {
                Ok(n) => {
                    lines.consumed(&data[..n]);
                    self.start += n;
                    if n < data.len() {
                        break self.decoder.flush();
                    }
                }
                Err(e) => break Err(e),
            }
        };
        self.lines_before += lines.total;
        match outcome {
            Ok(Some(b)) if b.num_rows() > 0 => {
                let rows = b.num_rows();
                let exact = lines.exact(rows);
                let schema = if exact { ipc::with_first_line(&self.schema, self.first_line) } else { self.schema.clone() };
                let options = RecordBatchOptions::new().with_row_count(Some(rows));
                let arrays: Vec<ArrayRef> = b
                    .columns()
                    .iter()
                    .zip(&self.columns)
                    .map(|(a, c)| match &c.ty {
                        ColumnType::Timestamp => {
                            Arc::new(a.as_primitive::<TimestampMicrosecondType>().clone().with_timezone(TIMESTAMP_TZ)) as ArrayRef
                        }
                        _ => a.clone(),
                    })
                    .collect();
                let batch = RecordBatch::try_new_with_options(schema, arrays, &options)
                    .map_err(|e| Error::internal("BATCH_BUILD", format!("{}: {e}", self.path)))?;
                self.rows_before += rows;
                Ok(Some(batch))
            }
            Ok(_) => Ok(None),
            Err(e) => Err(self.locate_error(e)),
        }
    }

    /// arrow-json's error for the batch being decoded, at the line of its record: the
    /// file read again up to this batch, then record by record (errors end the stream).
    fn locate_error(&self, e: ArrowError) -> Error {
        let error = Error::data("JSON_PARSE_ERROR", format!("{} line {}: {}", self.path, self.first_line, reason(&e)));
        if self.locating {
            return error;
        }
        let mut reference = match FileReader::open(&self.path, &self.config, &self.stream) {
            Ok(r) => r,
            Err(e) => return e,
        };
        reference.locating = true;
        while reference.rows_before < self.rows_before {
            match reference.read_batch() {
                Ok(Some(_)) => {}
                Ok(None) => return error,
                Err(e) => return e,
            }
        }
        match decoder(schema::parse_schema(&self.columns), 1) {
            Ok(d) => reference.decoder = d,
            Err(e) => return e,
        }
        loop {
            match reference.read_batch() {
                Ok(Some(_)) => {}
                // Not reproduced (the file changed?): the error as the batch reported it.
                Ok(None) => return error,
                Err(e) => return e,
            }
        }
    }
}

/// arrow-json's message without its "Json error: " prefix.
fn reason(e: &ArrowError) -> String {
    let text = e.to_string();
    text.strip_prefix("Json error: ").unwrap_or(&text).to_string()
}

/// arrow-json's decoder of the file's columns: a key not in them is an error; a scalar
/// in a text column is taken as its text (the host's warn mode asks for text columns).
fn decoder(schema: SchemaRef, batch_rows: usize) -> Result<Decoder> {
    ReaderBuilder::new(schema)
        .with_batch_size(batch_rows)
        .with_coerce_primitive(true)
        .with_strict_mode(true)
        .with_decoder_factory(Arc::new(JsonTextFactory))
        .build_decoder()
        .map_err(|e| Error::internal("DECODER", e.to_string()))
}
