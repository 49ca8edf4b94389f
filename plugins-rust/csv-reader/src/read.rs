//! One stream's extraction: files in order, each parsed into record batches of the
//! stream's schema, filtered by the cursor, encoded as IPC streams.
//!
//! Parsing has a fast path and arrow-csv. A file's bytes sit in one buffer (Input);
//! for each batch the fast path (fast.rs) takes up to `batch_rows` whole lines from it
//! (LF ends a line, a CR before it is dropped; fields split on the delimiter) with SIMD
//! scans, and parses the stream's columns straight into Arrow arrays with arrow-csv's
//! value rules. When a batch holds anything it does not decode exactly like arrow-csv
//! (a quote, a lone CR, an empty line, a row with the wrong field count, invalid UTF-8,
//! a value arrow_cast refuses), nothing is consumed and that batch is decoded by the
//! file's fallback arrow-csv Decoder instead. Records are independent and batches keep
//! arrow-csv's boundaries (every `batch_rows` records), so the output is the same
//! either way, batch for batch. arrow-csv numbers records, not lines, so an error is
//! located by reading the file again up to the failing batch, then record by record
//! (locate_error): the message names the file line. The header is skipped by csv-core,
//! as arrow-csv skips it. Delimiters the fast path does not take (a quote, CR, LF, NUL,
//! non-ASCII), and the options it does not decode (null_values, quote, escape, comment:
//! Config::fast_path_applies) read the file with arrow-csv alone. The bytes come from
//! source.rs (decompressed, transcoded, after the BOM and skip_rows) on either path.
//!
//! Lines: LFs are counted as bytes are consumed; a batch's schema names the line of its
//! first row only when its rows are consecutive lines (not across a comment, an empty
//! line or a value spanning lines), since the host numbers the rows after it from it.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::types::TimestampMicrosecondType;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchOptions};
use arrow_csv::reader::Decoder;
use arrow_csv::ReaderBuilder;
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::checkpoint;
use crate::config::Config;
use crate::cursor;
use crate::error::{Error, Result};
use crate::fast::{self, Kind, Scanner, Step};
use crate::files;
use crate::incremental::{self, FileTask, Mode};
use crate::ipc;
use crate::schema::{self, Column, ColumnType, TIMESTAMP_TZ};
use crate::source;

/// Read buffer per file (one positional read each time it runs dry).
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

/// Time spent and work done, logged when the stream ends.
#[derive(Default)]
pub struct Stats {
    pub files: usize,
    pub rows: usize,
    pub batches: usize,
    pub bytes: usize,
    pub parse: Duration,
    pub filter: Duration,
    pub encode: Duration,
    /// Time in file reads (part of `parse`).
    pub read: Duration,
    /// Batches the fast path handed to arrow-csv (see FileReader).
    pub fallback_batches: usize,
}

pub struct Extraction {
    config: Config,
    columns: Vec<Column>,
    mode: Mode,
    files: VecDeque<FileTask>,
    current: Option<(FileTask, FileReader)>,
    ready: VecDeque<Output>,
    max_batch_bytes: usize,
    pub stats: Stats,
    finished: bool,
}

impl Extraction {
    pub fn open(req: Request<'_>) -> Result<Extraction> {
        let config = Config::parse(req.config)?;
        let paths = files::resolve(&config.files)?;
        let mut columns = match req.schema {
            Some(s) => schema::from_json_schema(s)?,
            None => schema::infer(&paths[0], &config)?,
        };
        let previous = checkpoint::parse(req.checkpoint, &config)?;
        let cursor_field = config.cursor_field().unwrap_or("");
        // The cursor compares i64 values: its column stays Int64 (the host narrows that one).
        for c in columns.iter_mut().filter(|c| c.name == cursor_field && c.ty == ColumnType::Int32) {
            c.ty = ColumnType::Integer;
        }
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
            stats: Stats::default(),
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
                        self.stats.files += 1;
                        self.current = Some((task, reader));
                    }
                    None => {
                        self.finished = true;
                        return Ok(None);
                    }
                }
            }
            let (_, reader) = self.current.as_mut().expect("a current file");
            let started = Instant::now();
            let next = reader.next_with_last();
            self.stats.parse += started.elapsed();
            match next? {
                Some((batch, last)) => {
                    self.emit(batch)?;
                    if last {
                        self.finish_file()?;
                    }
                }
                None => self.finish_file()?,
            }
        }
    }

    fn emit(&mut self, batch: RecordBatch) -> Result<()> {
        let started = Instant::now();
        let batch = self.mode.filter(batch)?;
        if let Mode::Cursor(_) = self.mode {
            self.stats.filter += started.elapsed();
        }
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let started = Instant::now();
        let pieces = ipc::encode_within(&batch, self.max_batch_bytes)?;
        self.stats.encode += started.elapsed();
        for (piece, bytes) in pieces {
            let checkpoint = self.mode.after_piece(&piece);
            self.stats.rows += piece.num_rows();
            self.stats.batches += 1;
            self.stats.bytes += bytes.len();
            self.ready.push_back(Output { bytes, checkpoint });
        }
        Ok(())
    }

    /// The current file is exhausted: under file_mtime its checkpoint rides on its
    /// last batch (an empty batch when the file had no rows).
    fn finish_file(&mut self) -> Result<()> {
        let (task, reader) = self.current.take().expect("a current file");
        self.stats.fallback_batches += reader.fallback_batches;
        self.stats.read += reader.input.read_time;
        if let Some(state) = self.mode.after_file(task) {
            match self.ready.back_mut() {
                Some(last) => last.checkpoint = Some(state),
                None => {
                    let bytes = ipc::encode(&RecordBatch::new_empty(reader.schema.clone()))?;
                    self.stats.batches += 1;
                    self.stats.bytes += bytes.len();
                    self.ready.push_back(Output { bytes, checkpoint: Some(state) });
                }
            }
        }
        Ok(())
    }
}

/// One column of a file's batches: its index in the decoder's (projected) output, and
/// the stream column it is (None: a column the stream does not name, passed on as text).
struct FileColumn {
    parsed: usize,
    column: Option<Column>,
}

/// How a file's batches are decoded.
enum Decoding {
    /// The fast path batch by batch, arrow-csv (`fallback`) for the batches it hands back. Every
    /// such batch starts at a record, as the decoder expects after its last batch.
    Fast { scanner: Scanner, columns: Vec<(usize, Kind)>, fallback: Option<Decoder> },
    /// arrow-csv alone, one decoder for the whole file: when the fast path cannot apply
    /// (a delimiter it does not handle), and to reproduce an error's exact message.
    Arrow(Decoder),
}

/// Options of a FileReader (tests vary them).
#[derive(Clone, Copy)]
struct ReadOptions {
    fast: bool,
    buffer: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { fast: true, buffer: READ_BUFFER }
    }
}

/// A file's bytes: one positional read each time more are needed; the unconsumed bytes
/// move to the front when the free space runs low, and the buffer grows when one batch
/// does not fit (the batch's bytes must be contiguous for the fast path).
struct Input {
    source: Box<dyn Read>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Time spent in reads.
    read_time: Duration,
}

impl Input {
    fn new(source: Box<dyn Read>, capacity: usize) -> Input {
        Input { source, buf: vec![0; capacity.max(1)], start: 0, end: 0, eof: false, read_time: Duration::ZERO }
    }

    fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        debug_assert!(self.start <= self.end);
    }

    /// Reads more bytes after the unconsumed ones; false at the end of the file.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.start > 0 && self.buf.len() - self.end < self.buf.len() / 2 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let started = Instant::now();
        let n = self.source.read(&mut self.buf[self.end..])?;
        self.read_time += started.elapsed();
        self.end += n;
        self.eof = n == 0;
        Ok(n > 0)
    }
}

/// Skips the first record as arrow-csv's header skip does (csv-core with arrow-csv's
/// settings: the delimiter, quote, escape, comment, CR/LF/CRLF line ends); returns the
/// LFs it consumed.
fn skip_record(input: &mut Input, config: &Config) -> std::io::Result<usize> {
    let mut reader = csv_core::ReaderBuilder::new()
        .delimiter(config.delimiter_byte())
        .quote(config.quote_byte())
        .escape(config.escape_byte())
        .comment(config.comment_byte())
        .build();
    let mut out = vec![0u8; 4096];
    let mut ends = [0usize; 256];
    let mut lines = 0;
    loop {
        if input.start == input.end {
            input.fill()?;
        }
        let (result, read, _, _) = reader.read_record(input.data(), &mut out, &mut ends);
        lines += count_lf(&input.data()[..read]);
        input.consume(read);
        if matches!(result, csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End) {
            return Ok(lines);
        }
    }
}

fn count_lf(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// What csv-core skips before a record at the start of `data`: CR and LF (empty lines,
/// the LF of a CRLF whose CR ended the record before) and whole comment lines. Returns
/// (bytes, LFs among them, whether a record's first byte follows them in `data`).
fn leading_prefix(data: &[u8], comment: Option<u8>) -> (usize, usize, bool) {
    let (mut at, mut lines) = (0, 0);
    while at < data.len() {
        match data[at] {
            b'\n' => lines += 1,
            b'\r' => {}
            b if Some(b) == comment => match data[at..].iter().position(|&c| c == b'\n') {
                Some(i) => {
                    at += i;
                    lines += 1;
                }
                None => return (at, lines, false),
            },
            _ => return (at, lines, true),
        }
        at += 1;
    }
    (at, lines, false)
}

/// LFs consumed by one batch (from its first record on), to tell whether its rows are
/// consecutive lines.
#[derive(Default, Clone, Copy)]
struct BatchLines {
    /// In everything it consumed.
    total: usize,
    /// In the CR/LF run its consumed bytes end with.
    trailing: usize,
}

impl BatchLines {
    fn consumed(&mut self, bytes: &[u8]) {
        self.total += count_lf(bytes);
        let run = bytes.iter().rev().take_while(|&&b| b == b'\n' || b == b'\r').count();
        let tail = count_lf(&bytes[bytes.len() - run..]);
        self.trailing = if run == bytes.len() { self.trailing + tail } else { tail };
    }

    /// One LF between each two records, none inside one: row r is line first + r.
    fn exact(&self, rows: usize) -> bool {
        self.total.checked_sub(self.trailing) == Some(rows.saturating_sub(1))
    }
}

/// A batch as parsed: the projected columns and the row count.
type Parsed = (Vec<ArrayRef>, usize);

enum FastOutcome {
    Batch(Parsed),
    End,
    Fallback,
}

struct FileReader {
    path: String,
    config: Config,
    input: Input,
    decoding: Decoding,
    /// arrow-csv's schema of the file: every column, nullable, Utf8 when not in the stream.
    parse_schema: SchemaRef,
    /// The file columns parsed (None: all).
    projection: Option<Vec<usize>>,
    /// The file's column names (header, or the stream's names without one or in an empty file).
    header: Vec<String>,
    /// The file's columns as emitted: the stream's found in it (stream order), then the others.
    outputs: Vec<FileColumn>,
    columns: Vec<Column>,
    /// The file's schema (metadata: dativo.source = its path).
    schema: SchemaRef,
    /// Whether the header is still to be skipped.
    header_pending: bool,
    /// LFs consumed before the batch being decoded (skipped rows and header included).
    lines_before: usize,
    /// The line of the batch's first row, and whether its rows are consecutive lines.
    first_line: usize,
    exact: bool,
    /// Data rows decoded so far.
    rows_before: usize,
    /// One batch of lookahead, to know which batch is a file's last.
    peeked: Option<RecordBatch>,
    /// Batches the fast path handed to arrow-csv.
    fallback_batches: usize,
    /// A reader re-reading the file to locate an error (see locate_error).
    locating: bool,
}

impl FileReader {
    fn open(path: &str, config: &Config, columns: &[Column]) -> Result<FileReader> {
        FileReader::open_with(path, config, columns, ReadOptions::default())
    }

    /// The file's batches carry the columns it has: a stream column it lacks is absent
    /// (the host checks every file's columns against the contract), a column the stream
    /// does not name is passed on as text. An empty file has the stream's columns, no rows.
    fn open_with(path: &str, config: &Config, columns: &[Column], options: ReadOptions) -> Result<FileReader> {
        let stream_names = || columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let header: Vec<String> = if config.has_header {
            let header = schema::read_head(path, config, 0)?.0;
            if header.is_empty() { stream_names() } else { header }
        } else {
            let width = schema::read_head(path, config, 1)?.1.first().map_or(columns.len(), |r| r.len());
            (0..width)
                .map(|i| columns.get(i).map_or_else(|| format!("column_{}", i + 1), |c| c.name.clone()))
                .collect()
        };

        // The file's columns: the stream's types by name (or by a re-cased name, which the
        // host then reports), others as text; a repeated name is parsed once (its first column).
        let mut fields = Vec::with_capacity(header.len());
        let mut projection = Vec::new();
        let mut matched: Vec<Option<&Column>> = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let column = stream_column(name, columns, &header);
            let ty = column.map_or(DataType::Utf8, |c| c.ty.parse_type());
            fields.push(Field::new(name, ty, true));
            if !header[..i].contains(name) {
                projection.push(i);
                matched.push(column);
            }
        }
        let mut outputs = Vec::with_capacity(projection.len());
        for c in columns {
            match matched.iter().position(|m| m.is_some_and(|m| m.name == c.name)) {
                Some(parsed) => outputs.push(FileColumn { parsed, column: Some(c.clone()) }),
                None if c.nullable => {}
                None => {
                    return Err(Error::data(
                        "CSV_MISSING_COLUMN",
                        format!("{path}: required column {:?} is not in the file (columns: {})", c.name, header.join(", ")),
                    ))
                }
            }
        }
        for (parsed, m) in matched.iter().enumerate() {
            if m.is_none() {
                outputs.push(FileColumn { parsed, column: None });
            }
        }
        let schema = file_schema(path, &outputs, &fields, &projection);

        let delimiter = config.delimiter_byte();
        let fast_columns: Option<Vec<(usize, Kind)>> = projection.iter().map(|&i| Kind::of(fields[i].data_type()).map(|k| (i, k))).collect();
        let parse_schema = Arc::new(Schema::new(fields));
        let projection = (projection.len() != header.len()).then_some(projection);
        let fast_ok = options.fast
            && config.fast_path_applies()
            && !header.is_empty()
            && delimiter != 0
            && delimiter < 0x80
            && !matches!(delimiter, b'"' | b'\r' | b'\n');
        let decoding = match fast_columns {
            Some(columns) if fast_ok => Decoding::Fast { scanner: Scanner::new(delimiter, header.len()), columns, fallback: None },
            _ => Decoding::Arrow(arrow_decoder(&parse_schema, projection.as_ref(), config)?),
        };
        Ok(FileReader {
            path: path.to_string(),
            config: config.clone(),
            input: Input::new(source::open(path, config)?, options.buffer),
            decoding,
            parse_schema,
            projection,
            header,
            outputs,
            columns: columns.to_vec(),
            schema,
            header_pending: config.has_header,
            lines_before: config.skip_rows,
            first_line: 0,
            exact: true,
            rows_before: 0,
            peeked: None,
            fallback_batches: 0,
            locating: false,
        })
    }

    /// The next batch and whether it is the file's last.
    fn next_with_last(&mut self) -> Result<Option<(RecordBatch, bool)>> {
        let current = match self.peeked.take() {
            Some(b) => b,
            None => match self.read_batch()? {
                Some(b) => b,
                None => return Ok(None),
            },
        };
        self.peeked = self.read_batch()?;
        let last = self.peeked.is_none();
        Ok(Some((current, last)))
    }

    fn read_batch(&mut self) -> Result<Option<RecordBatch>> {
        if self.header_pending {
            self.lines_before += skip_record(&mut self.input, &self.config).map_err(|e| Error::io(&self.path, e))?;
            self.header_pending = false;
        }
        let parsed = match self.decoding {
            Decoding::Arrow(_) => self.decode_arrow(false)?,
            Decoding::Fast { .. } => match self.decode_fast()? {
                FastOutcome::Batch(parsed) => Some(parsed),
                FastOutcome::End => None,
                FastOutcome::Fallback => {
                    self.fallback_batches += 1;
                    self.decode_arrow(true)?
                }
            },
        };
        let Some((arrays, rows)) = parsed else { return Ok(None) };
        let batch = self.to_stream_batch(&arrays, rows)?;
        self.rows_before += rows;
        Ok(Some(batch))
    }

    /// The next batch by the fast path, or Fallback (nothing consumed) when arrow-csv
    /// must decode it. Its rows are consecutive lines (a batch with anything else falls back).
    fn decode_fast(&mut self) -> Result<FastOutcome> {
        let Decoding::Fast { scanner, columns, .. } = &mut self.decoding else {
            return Ok(FastOutcome::Fallback);
        };
        let input = &mut self.input;
        let io_err = |e| Error::io(&self.path, e);
        // No record starts with CR or LF: csv-core skips them there (empty lines, and the
        // LF of a CRLF whose CR ended the record before).
        loop {
            let skip = input.data().iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
            self.lines_before += count_lf(&input.data()[..skip]);
            input.consume(skip);
            if input.start < input.end || !input.fill().map_err(io_err)? {
                break;
            }
        }
        scanner.reset(self.config.batch_rows);
        loop {
            match scanner.scan(input.data(), input.eof) {
                Step::More => {
                    input.fill().map_err(io_err)?;
                }
                Step::Fallback => return Ok(FastOutcome::Fallback),
                Step::Done { rows: 0, .. } => return Ok(FastOutcome::End),
                Step::Done { rows, len } => {
                    let bytes = &input.data()[..len];
                    if scanner.non_ascii && std::str::from_utf8(bytes).is_err() {
                        return Ok(FastOutcome::Fallback);
                    }
                    let Some(arrays) = fast::decode_columns(bytes, scanner.seps(), rows, self.header.len(), columns) else {
                        return Ok(FastOutcome::Fallback);
                    };
                    input.consume(len);
                    (self.first_line, self.exact) = (self.lines_before + 1, true);
                    self.lines_before += rows;
                    return Ok(FastOutcome::Batch((arrays, rows)));
                }
            }
        }
    }

    /// The next batch by arrow-csv: the file's one decoder, or (`fallback`) the fast
    /// path's fallback decoder (made on first use, and kept: its buffers are reused).
    /// arrow-csv's line numbers count records of what it decoded, so its errors are
    /// located by locate_error.
    fn decode_arrow(&mut self, fallback: bool) -> Result<Option<Parsed>> {
        let decoder = match &mut self.decoding {
            Decoding::Arrow(decoder) if !fallback => decoder,
            Decoding::Fast { fallback: Some(decoder), .. } if fallback => decoder,
            Decoding::Fast { fallback: slot, .. } if fallback => {
                slot.insert(arrow_decoder(&self.parse_schema, self.projection.as_ref(), &self.config)?)
            }
            _ => return Ok(None),
        };
        let input = &mut self.input;
        // csv-core skips CR, LF and comment lines before a record: skipped here instead, so
        // that the batch's first line is known however many reads they span.
        let io_err = |e| Error::io(&self.path, e);
        loop {
            if input.start == input.end && !input.fill().map_err(io_err)? {
                break;
            }
            let (len, lfs, at_record) = leading_prefix(input.data(), self.config.comment_byte());
            self.lines_before += lfs;
            input.consume(len);
            if at_record || !input.fill().map_err(io_err)? {
                break;
            }
        }
        self.first_line = self.lines_before + 1;
        let mut lines = BatchLines::default();
        let outcome = loop {
            if input.start == input.end {
                input.fill().map_err(io_err)?;
            }
            match decoder.decode(input.data()) {
                Ok(decoded) => {
                    lines.consumed(&input.data()[..decoded]);
                    input.consume(decoded);
                    if decoded == 0 || decoder.capacity() == 0 {
                        break decoder.flush();
                    }
                }
                Err(e) => break Err(e),
            }
        };
        self.lines_before += lines.total;
        match outcome {
            Ok(Some(b)) => {
                self.exact = lines.exact(b.num_rows());
                Ok(Some((b.columns().to_vec(), b.num_rows())))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(self.locate_error(self.csv_error(e))),
        }
    }

    /// `error` of the batch being decoded, at the file line of its record: the file read
    /// again by arrow-csv up to this batch, then record by record (errors end the stream,
    /// so re-reading is an acceptable cost for an exact line). The message is the same
    /// whichever path decoded the batch.
    fn locate_error(&self, error: Error) -> Error {
        if self.locating {
            return error;
        }
        let options = ReadOptions { fast: false, buffer: READ_BUFFER };
        let mut reference = match FileReader::open_with(&self.path, &self.config, &self.columns, options) {
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
        reference.config.batch_rows = 1;
        match arrow_decoder(&self.parse_schema, self.projection.as_ref(), &reference.config) {
            Ok(decoder) => reference.decoding = Decoding::Arrow(decoder),
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

    /// The parsed batch as the file's columns (stream columns in stream order and types,
    /// then the others as text), its schema naming the line of its first row when its
    /// rows are consecutive lines.
    fn to_stream_batch(&self, parsed: &[ArrayRef], rows: usize) -> Result<RecordBatch> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.outputs.len());
        for out in &self.outputs {
            let array = parsed[out.parsed].clone();
            let Some(column) = &out.column else {
                arrays.push(array);
                continue;
            };
            if !column.nullable && array.null_count() > 0 {
                let row = (0..rows).find(|&r| array.is_null(r)).unwrap_or(0);
                let what = if self.config.default_nulls() { "empty value" } else { "null value" };
                let error = Error::data(
                    "CSV_PARSE_ERROR",
                    format!("{} line {}, column {:?}: {what} in a required column", self.path, self.line_of(row), column.name),
                );
                return Err(if self.exact || self.locating && row == 0 { error } else { self.locate_error(error) });
            }
            let array = match column.ty {
                ColumnType::Timestamp => {
                    Arc::new(array.as_primitive::<TimestampMicrosecondType>().clone().with_timezone(TIMESTAMP_TZ)) as ArrayRef
                }
                _ => array,
            };
            arrays.push(array);
        }
        let schema = if self.exact { ipc::with_first_line(&self.schema, self.first_line) } else { self.schema.clone() };
        RecordBatch::try_new_with_options(schema, arrays, &RecordBatchOptions::new().with_row_count(Some(rows)))
            .map_err(|e| Error::internal("BATCH_BUILD", format!("{}: {e}", self.path)))
    }

    /// The 1-based line of a row of the batch being built (exact when `exact`).
    fn line_of(&self, row_in_batch: usize) -> usize {
        self.first_line + row_in_batch
    }

    /// An arrow-csv error of the batch being decoded as CSV_PARSE_ERROR naming the file,
    /// the line of the batch's first record (of the record, once located), the column.
    fn csv_error(&self, e: ArrowError) -> Error {
        let text = e.to_string();
        let line = self.first_line;
        let column_name = |i: usize| self.header.get(i).map_or_else(|| format!("#{}", i + 1), |n| format!("{n:?}"));
        // "incorrect number of fields for line N, expected E got G".
        if let (Some(_), Some(expected)) = (number_after(&text, "for line "), number_after(&text, "expected ")) {
            let got = number_after(&text, "got ").or_else(|| number_after(&text, "got more than "));
            let detail = match got {
                Some(g) if g < expected => format!("column {}: missing (the row has {g} fields, expected {expected})", column_name(g)),
                _ => format!("column {}: extra field (expected {expected} fields)", column_name(expected)),
            };
            return Error::data("CSV_PARSE_ERROR", format!("{} line {line}, {detail}", self.path));
        }
        // "... for column C at line L ..." / "Error parsing column C at line L".
        if let (Some(col), Some(at)) = (number_after(&text, "column "), number_after(&text, "at line ")) {
            let reason = match text.find("Error while parsing value ") {
                Some(i) => text[i + "Error while parsing ".len()..].split(" for column").next().unwrap_or("").to_string(),
                None => text.split_once(&format!("at line {at}: ")).map_or(text.as_str(), |(_, r)| r).to_string(),
            };
            return Error::data("CSV_PARSE_ERROR", format!("{} line {line}, column {}: cannot parse {reason}", self.path, column_name(col)));
        }
        Error::data("CSV_PARSE_ERROR", format!("{} line {line}: {text}", self.path))
    }
}

/// The stream column a header name is: the same name, else the same name in another case
/// when the header does not also have the exact one.
fn stream_column<'a>(name: &str, columns: &'a [Column], header: &[String]) -> Option<&'a Column> {
    columns
        .iter()
        .find(|c| c.name == name)
        .or_else(|| columns.iter().find(|c| c.name.eq_ignore_ascii_case(name) && !header.contains(&c.name)))
}

/// The schema of a file's batches: `outputs`' columns, the file's path as metadata.
fn file_schema(path: &str, outputs: &[FileColumn], fields: &[Field], projection: &[usize]) -> SchemaRef {
    let fields: Vec<Field> = outputs
        .iter()
        .map(|o| match &o.column {
            // The file's own name: a re-cased one is the host's to report.
            Some(c) => Field::new(fields[projection[o.parsed]].name(), c.ty.arrow_type(), c.nullable),
            None => Field::new(fields[projection[o.parsed]].name(), DataType::Utf8, true),
        })
        .collect();
    let metadata: std::collections::HashMap<String, String> = [(ipc::SOURCE_KEY.to_string(), path.to_string())].into_iter().collect();
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

/// The unsigned number right after `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> Option<usize> {
    let start = text.find(prefix)? + prefix.len();
    let digits: String = text[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// An arrow-csv decoder of the file's columns, after the header (skip_record skips it).
fn arrow_decoder(parse_schema: &SchemaRef, projection: Option<&Vec<usize>>, config: &Config) -> Result<Decoder> {
    let mut builder = ReaderBuilder::new(parse_schema.clone())
        .with_header(false)
        .with_delimiter(config.delimiter_byte())
        .with_quote(config.quote_byte())
        .with_batch_size(config.batch_rows);
    if let Some(escape) = config.escape_byte() {
        builder = builder.with_escape(escape);
    }
    if let Some(comment) = config.comment_byte() {
        builder = builder.with_comment(comment);
    }
    if !config.default_nulls() {
        builder = builder.with_null_regex(null_regex(&config.null_values)?);
    }
    if let Some(projection) = projection {
        builder = builder.with_projection(projection.clone());
    }
    Ok(builder.build_decoder())
}

/// A regex matching exactly the given values (none: a regex that matches nothing).
fn null_regex(values: &[String]) -> Result<regex::Regex> {
    let alternatives: Vec<String> = values.iter().map(|v| regex::escape(v)).collect();
    let pattern = if values.is_empty() { r"[^\s\S]".to_string() } else { format!("^(?:{})$", alternatives.join("|")) };
    regex::Regex::new(&pattern).map_err(|e| Error::config("CONFIG_INVALID", format!("config.null_values: {e}")))
}

#[cfg(test)]
mod options_tests;

#[cfg(test)]
mod tests {
    //! The fast path against arrow-csv alone (the reader as it was before the fast path):
    //! the same IPC bytes batch by batch, the same error, for every buffer size and batch
    //! size tried.
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static FILES: AtomicUsize = AtomicUsize::new(0);

    fn temp_file(bytes: &[u8]) -> String {
        let n = FILES.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("csv-reader-test-{}-{n}.csv", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    }

    fn col(name: &str, ty: ColumnType, nullable: bool) -> Column {
        Column { name: name.into(), ty, nullable }
    }

    /// Every batch as (IPC bytes, last), then the error message if the read failed, and
    /// the fallback count.
    struct Outcome {
        batches: Vec<(Vec<u8>, bool)>,
        error: Option<String>,
        fallbacks: usize,
    }

    fn read_all(path: &str, config: &Config, columns: &[Column], options: ReadOptions) -> Outcome {
        let mut out = Outcome { batches: vec![], error: None, fallbacks: 0 };
        let mut reader = match FileReader::open_with(path, config, columns, options) {
            Ok(r) => r,
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        };
        loop {
            match reader.next_with_last() {
                Ok(Some((batch, last))) => out.batches.push((ipc::encode(&batch).unwrap(), last)),
                Ok(None) => break,
                Err(e) => {
                    out.error = Some(e.to_string());
                    break;
                }
            }
        }
        out.fallbacks = reader.fallback_batches;
        out
    }

    fn config(extra: &str, batch_rows: usize) -> Config {
        Config::parse(&format!(r#"{{"files":["/x.csv"],"batch_rows":{batch_rows}{extra}}}"#)).unwrap()
    }

    /// Compares the fast reader with arrow-csv alone on `csv` for several batch and
    /// buffer sizes; returns arrow-csv's outcome with batch_rows 2 and the fast reader's
    /// fallback count there (with the default buffer).
    fn check_with(csv: &[u8], columns: &[Column], extra: &str) -> (Outcome, usize) {
        let path = temp_file(csv);
        let mut fallbacks_at_two = 0;
        for batch_rows in [1, 2, 3, 7, 1000] {
            let config = config(extra, batch_rows);
            let reference = read_all(&path, &config, columns, ReadOptions { fast: false, buffer: READ_BUFFER });
            for buffer in [1, 2, 5, 16, 63, 64, 65, 200, READ_BUFFER] {
                let fast = read_all(&path, &config, columns, ReadOptions { fast: true, buffer });
                let what = format!("batch_rows {batch_rows}, buffer {buffer}, csv {:?}", String::from_utf8_lossy(csv));
                assert_eq!(fast.error, reference.error, "error, {what}");
                assert_eq!(fast.batches.len(), reference.batches.len(), "batch count, {what}");
                for (i, (f, r)) in fast.batches.iter().zip(&reference.batches).enumerate() {
                    assert!(f == r, "batch {i} differs, {what}");
                }
                if batch_rows == 2 && buffer == READ_BUFFER {
                    fallbacks_at_two = fast.fallbacks;
                }
            }
        }
        let reference = read_all(&path, &config(extra, 2), columns, ReadOptions { fast: false, buffer: READ_BUFFER });
        std::fs::remove_file(&path).ok();
        (reference, fallbacks_at_two)
    }

    fn check(csv: &str, columns: &[Column]) -> (Outcome, usize) {
        check_with(csv.as_bytes(), columns, "")
    }

    fn orders() -> Vec<Column> {
        vec![
            col("id", ColumnType::Integer, true),
            col("name", ColumnType::String, true),
            col("price", ColumnType::Number, true),
            col("at", ColumnType::Timestamp, true),
            col("ok", ColumnType::Boolean, true),
            col("day", ColumnType::Date, true),
        ]
    }

    const ROWS: &str = "1,Ada Lovelace,12.50,2026-01-01T00:00:15.123Z,true,2026-01-01\n\
                        2,Grace,0.99,2026-01-01T00:00:30.000Z,false,2026-01-02\n\
                        -3,,1000,2026-01-01T00:00:45.999Z,,2026-01-03\n\
                        4,Alan,,,TRUE,\n\
                        5,Edsger,7,2024-02-29T23:59:59.5Z,False,2024-02-29\n";

    fn header() -> &'static str {
        "id,name,price,at,ok,day\n"
    }

    #[test]
    fn plain_rows_take_the_fast_path() {
        let (out, fallbacks) = check(&format!("{}{ROWS}", header()), &orders());
        assert_eq!(out.error, None);
        assert_eq!(out.batches.len(), 3);
        assert_eq!(fallbacks, 0);
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let crlf = format!("{}{ROWS}", header()).replace('\n', "\r\n");
        assert_eq!(check(&crlf, &orders()).1, 0);
        assert_eq!(check(crlf.trim_end(), &orders()).1, 0);
        let lf = format!("{}{ROWS}", header());
        assert_eq!(check(lf.trim_end(), &orders()).1, 0);
        // A lone CR ends a record for arrow-csv: handed back.
        assert!(check(&lf.replace('\n', "\r"), &orders()).1 > 0);
        check(&format!("{}\r", lf.trim_end()), &orders());
        check(&format!("{}\r\r\n", lf.trim_end()), &orders());
        check(&lf.replacen("12.50", "12.50\r", 1), &orders());
    }

    #[test]
    fn empty_lines_and_files() {
        let lf = format!("{}{ROWS}", header());
        assert!(check(&lf.replacen("\n2,", "\n\n2,", 1), &orders()).1 > 0);
        check(&format!("\n\n{lf}\n\n"), &orders());
        check(&format!("{}\n\n{ROWS}", header().trim_end()), &orders());
        check(&format!("{}\r\n\r\n{ROWS}", header().trim_end()), &orders());
        let (out, _) = check(header(), &orders());
        assert!(out.batches.is_empty() && out.error.is_none());
        check(header().trim_end(), &orders());
        check("", &orders());
        check("\n", &orders());
        // One column: an empty line is skipped, not a null.
        let one = vec![col("name", ColumnType::String, true)];
        assert!(check("name\na\n\nb\n", &one).1 > 0);
        check("name\na\r\n\r\nb\r\n", &one);
        check("name\na\nb", &one);
    }

    #[test]
    fn quotes_fall_back() {
        let lf = format!("{}{ROWS}", header());
        let (out, fallbacks) = check(&lf.replacen("Grace", "\"Grace, \"\"the\"\" Admiral\"", 1), &orders());
        assert!(out.error.is_none() && fallbacks > 0);
        check(&lf.replacen("Grace", "\"Grace\nHopper\"", 1), &orders());
        check(&lf.replacen("Grace", "\"Grace\r\nHopper\"", 1), &orders());
        check(&lf.replacen("Grace", "Gr\"ace", 1), &orders());
        check(&lf.replacen("id,name", "\"id\",\"na,me\"", 1), &orders());
        let (_, fallbacks) = check(&lf.replacen("id,name", "\"id\",\"name\"", 1), &orders());
        assert_eq!(fallbacks, 0, "a quoted header alone does not slow the rows");
        check(&lf.replacen("id,name", "\"id\nx\",\"name\"", 1), &orders());
        // Fallback batches apart, one decoder for them: after a CRLF, after an LF.
        let crlf = lf.replace('\n', "\r\n");
        let (_, fallbacks) = check(&crlf.replacen("Grace", "\"Grace\"", 1).replacen("Edsger", "\"Edsger\"", 1), &orders());
        assert_eq!(fallbacks, 2);
        check(&lf.replacen("Grace", "\"Grace\"", 1).replacen("Edsger", "\"Edsger\"", 1), &orders());
        check(&crlf.replacen("Ada", "\"Ada\"", 1).replacen("Grace", "\"Grace\"", 1).replacen("Alan", "\"Alan\"", 1), &orders());
    }

    #[test]
    fn projection_and_missing_columns() {
        let lf = format!("extra,{},tail\n", header().trim_end()) + &ROWS.lines().map(|l| format!("x,{l},t\n")).collect::<String>();
        let (out, fallbacks) = check(&lf, &orders());
        assert!(out.error.is_none(), "{:?}", out.error);
        assert_eq!(fallbacks, 0);
        let mut more = orders();
        more.push(col("absent", ColumnType::Integer, true));
        more.swap(0, 3);
        check(&format!("{}{ROWS}", header()), &more);
        let mut required = orders();
        required.push(col("absent", ColumnType::Integer, false));
        let (out, _) = check(&format!("{}{ROWS}", header()), &required);
        assert!(out.error.unwrap().contains("CSV_MISSING_COLUMN"));
        // A duplicate column name: the first is parsed.
        check("id,id,name\n1,x,a\n2,y,b\n", &orders());
        // Only unparsed columns.
        check("a,b\n1,2\n", &orders());
    }

    #[test]
    fn batches_carry_the_files_columns_and_lines() {
        // `name` is missing, `tail` is not a stream column, `id` comes second in the file.
        let path = temp_file(b"x,id,tail\nq,1,t\nr,2,u\ns,3,v\n");
        let columns = vec![col("id", ColumnType::Integer, true), col("name", ColumnType::String, true)];
        let config = config("", 2);
        for fast in [true, false] {
            let mut reader = FileReader::open_with(&path, &config, &columns, ReadOptions { fast, buffer: READ_BUFFER }).unwrap();
            let (first, _) = reader.next_with_last().unwrap().unwrap();
            let names: Vec<&str> = first.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
            assert_eq!(names, ["id", "x", "tail"], "fast {fast}");
            assert_eq!(first.schema_ref().field(1).data_type(), &DataType::Utf8);
            assert_eq!(first.schema_ref().metadata().get(ipc::SOURCE_KEY), Some(&path));
            assert_eq!(first.schema_ref().metadata().get(ipc::SOURCE_LINE_KEY).map(String::as_str), Some("2"));
            let (second, last) = reader.next_with_last().unwrap().unwrap();
            assert!(last);
            assert_eq!(second.schema_ref().metadata().get(ipc::SOURCE_LINE_KEY).map(String::as_str), Some("4"));
            assert_eq!(second.column(1).as_string::<i32>().value(0), "s");
        }
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn without_header() {
        let columns = orders();
        let (out, fallbacks) = check_with(ROWS.as_bytes(), &columns, r#","has_header":false"#);
        assert!(out.error.is_none() && fallbacks == 0);
        check_with(b"1,a\n2,b\n", &columns, r#","has_header":false"#);
        check_with(b"1,a,3.5,,,,x,y\n2,b,4,,,,,\n", &columns, r#","has_header":false"#);
    }

    #[test]
    fn delimiters() {
        let semi = format!("{}{ROWS}", header()).replace(',', ";");
        assert_eq!(check_with(semi.as_bytes(), &orders(), r#","delimiter":";""#).1, 0);
        let tab = format!("{}{ROWS}", header()).replace(',', "\t");
        assert_eq!(check_with(tab.as_bytes(), &orders(), r#","delimiter":"\t""#).1, 0);
        // Delimiters the fast path leaves to arrow-csv.
        check_with(b"id\"name\n1\"a\n", &orders(), r#","delimiter":"\"""#);
        check_with(b"id\rname\n1\ra\n", &orders(), r#","delimiter":"\r""#);
        check_with(b"id\0name\n1\0a\n", &orders(), r#","delimiter":"\u0000""#);
    }

    #[test]
    fn numbers() {
        let columns = vec![col("i", ColumnType::Integer, true), col("f", ColumnType::Number, true)];
        let floats = [
            "0", "-0", "0.0", "-0.00", "1.5", "-1.5", "123456789012345", "1234567890123456", "0.1", "0.3", "2.675", "1e5", "1E-3",
            ".5", "5.", "+1.5", "NaN", "nan", "inf", "-inf", "Infinity", "1.7976931348623157e308", "4.9e-324", " 1.5", "1.5 ",
            "00012.500", "999999999999999", "9007199254740993", "0.000000000000001", "123.456789012345",
        ];
        let ints = ["0", "-0", "+5", "007", "9223372036854775807", "-9223372036854775808", "123456789012345678", " 5", "5 ", "-"];
        let mut csv = String::from("i,f\n");
        for (i, f) in ints.iter().zip(floats.iter()) {
            csv.push_str(&format!("{i},{f}\n"));
        }
        for f in &floats[ints.len()..] {
            csv.push_str(&format!("1,{f}\n"));
        }
        // (Some of these are errors for arrow-csv; the check is that both agree.)
        check(&csv, &columns);
        let good: String = floats.iter().filter(|f| fast::parse_f64(f.as_bytes()).is_some()).map(|f| format!("1,{f}\n")).collect();
        let (out, fallbacks) = check(&format!("i,f\n{good}"), &columns);
        assert!(out.error.is_none() && fallbacks == 0);
        // Unparsable values: the error of arrow-csv, with the file's line.
        for bad in ["9223372036854775808", "1.5", "x", "-", "1e3"] {
            let (out, _) = check(&format!("i,f\n1,1\n2,2\n3,3\n{bad},4\n5,5\n"), &columns);
            assert!(out.error.as_deref().unwrap().contains("line 5"), "{:?}", out.error);
        }
        for bad in ["x", "1,5", "1.2.3", "--1"] {
            check(&format!("i,f\n1,1\n2,2\n3,3\n4,{bad}\n5,5\n"), &columns);
        }
        // Two bad columns in a batch: the first column's first bad row.
        check("i,f\n1,1\n2,x\ny,3\n", &columns);
    }

    #[test]
    fn int32_columns() {
        let columns = vec![col("i", ColumnType::Int32, true), col("j", ColumnType::Int32, true)];
        let (out, fallbacks) = check("i,j\n0,-0\n+5,007\n2147483647,-2147483648\n,3\n", &columns);
        assert!(out.error.is_none() && fallbacks == 0);
        // Out of 32 bits or not an integer: the error of arrow-csv, with the file's line.
        for bad in ["2147483648", "-2147483649", "9223372036854775808", "1.5", "x"] {
            let (out, _) = check(&format!("i,j\n1,1\n2,2\n{bad},3\n"), &columns);
            assert!(out.error.as_deref().unwrap().contains("line 4"), "{bad}: {:?}", out.error);
        }
    }

    #[test]
    fn timestamps_and_dates() {
        let columns = vec![col("t", ColumnType::Timestamp, true), col("d", ColumnType::Date, true)];
        let stamps = [
            "2026-01-01T00:00:15.123Z", "2026-01-01T00:00:15Z", "2026-01-01t00:00:15z", "2026-01-01 00:00:15", "2026-01-01T00:00:15",
            "2026-01-01T00:00:15.1", "2026-01-01T00:00:15.123456789Z", "2026-01-01T00:00:15.1234567891Z", "2026-01-01T00:00:15.123456789123Z",
            "2026-01-01T00:00:15+05:30", "2026-01-01T00:00:15.5-08:00", "2026-01-01T00:00:15 +0000", "2026-01-01", "1969-12-31T23:59:59.999999Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2016-12-31T23:59:60Z", "2024-02-29T12:00:00Z", "1900-03-01T00:00:00Z",
            "2026-01-01T000015", "1970-01-01T00:00:00.000001Z",
        ];
        let dates = ["2026-01-01", "2024-02-29", "0000-01-01", "9999-12-31", "1969-12-31", "2024-1-5", "20240105", "2024-01-05T10:00:00Z", " 2024-01-05"];
        let mut csv = String::from("t,d\n");
        for (i, t) in stamps.iter().enumerate() {
            csv.push_str(&format!("{t},{}\n", dates[i % dates.len()]));
        }
        let (out, _) = check(&csv, &columns);
        assert!(out.error.is_none(), "{:?}", out.error);
        for bad in ["2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:15.Z", "2026-01-01X00:00:15", "yesterday"] {
            let (out, _) = check(&format!("t,d\n2026-01-01T00:00:00Z,2026-01-01\n{bad},2026-01-01\n"), &columns);
            assert!(out.error.as_deref().unwrap().contains("line 3"), "{bad}: {:?}", out.error);
        }
        for bad in ["2023-02-29", "2026-00-10", "2026/01/01", "x"] {
            check(&format!("t,d\n,2026-01-01\n,{bad}\n"), &columns);
        }
    }

    #[test]
    fn booleans_and_strings() {
        let columns = vec![col("b", ColumnType::Boolean, true), col("s", ColumnType::String, true)];
        let (out, fallbacks) = check("b,s\ntrue,a\nFALSE,Müller\nTrue,日本\ntRuE, spaced \nfalse,\n,x\n", &columns);
        assert!(out.error.is_none() && fallbacks == 0);
        for bad in ["1", "yes", "t", " true"] {
            let (out, _) = check(&format!("b,s\ntrue,a\n{bad},b\n"), &columns);
            assert!(out.error.is_some());
        }
        // Invalid UTF-8: arrow-csv's error.
        let (out, _) = check_with(b"b,s\ntrue,a\nfalse,\xff\xfe\n", &columns, "");
        assert!(out.error.is_some());
        check_with(b"b,s\ntrue,\xc3\nfalse,\xa9\n", &columns, "");
        check_with(b"b,s\ntrue,\xc3,\xa9\n", &columns, "");
    }

    #[test]
    fn field_counts_and_required_values() {
        let lf = format!("{}{ROWS}", header());
        for (from, to) in [("2,Grace,", "2,"), (",2024-02-29\n", ",2024-02-29,extra\n"), ("4,Alan,,,TRUE,\n", "4\n"), ("-3,,", "-3,,,,,,,,,,,")] {
            let (out, _) = check(&lf.replacen(from, to, 1), &orders());
            assert!(out.error.as_deref().unwrap().contains("CSV_PARSE_ERROR"), "{:?}", out.error);
        }
        let mut required = orders();
        required[1].nullable = false;
        let (out, _) = check(&lf, &required);
        assert!(out.error.as_deref().unwrap().contains("line 4, column \"name\": empty value"), "{:?}", out.error);
    }

    #[test]
    fn long_rows_and_many_batches() {
        let long = "x".repeat(300);
        let mut csv = String::from(header());
        for i in 0..200 {
            csv.push_str(&format!("{i},{long}{i},{}.25,2026-01-01T00:00:{:02}.5Z,{},2026-01-{:02}\n", i * 3, i % 60, i % 2 == 0, 1 + i % 28));
        }
        let (out, fallbacks) = check(&csv, &orders());
        assert!(out.error.is_none() && fallbacks == 0);
        // One quoted row among many, and an error late in the file.
        check(&csv.replacen("77,", "\"77\",", 1), &orders());
        let (out, _) = check(&csv.replacen("\n150,", "\nbad,", 1), &orders());
        assert!(out.error.as_deref().unwrap().contains("line 152"), "{:?}", out.error);
        let (out, _) = check(&csv.replacen("\n150,", "\n\"1\n50\",", 1).replacen("\n170,", "\n170,1,", 1), &orders());
        assert!(out.error.is_some());
    }
}

#[cfg(test)]
mod bench {
    //! `CSV_BENCH_FILE=orders.csv cargo test --release -p csv-reader bench -- --ignored --nocapture`:
    //! native timings of the orders benchmark file (all columns nullable, as bench/boundary).
    use super::*;

    #[test]
    #[ignore]
    fn orders_file() {
        let Ok(path) = std::env::var("CSV_BENCH_FILE") else { return };
        let columns = vec![
            Column { name: "order_id".into(), ty: ColumnType::Integer, nullable: true },
            Column { name: "customer".into(), ty: ColumnType::String, nullable: true },
            Column { name: "product".into(), ty: ColumnType::String, nullable: true },
            Column { name: "quantity".into(), ty: ColumnType::Integer, nullable: true },
            Column { name: "price".into(), ty: ColumnType::Number, nullable: true },
            Column { name: "ordered_at".into(), ty: ColumnType::Timestamp, nullable: true },
            Column { name: "express".into(), ty: ColumnType::Boolean, nullable: true },
            Column { name: "region".into(), ty: ColumnType::String, nullable: true },
        ];
        let config = Config::parse(&format!(r#"{{"files":["{path}"]}}"#)).unwrap();
        for fast in [true, false, true, false, true] {
            let started = Instant::now();
            let mut reader = FileReader::open_with(&path, &config, &columns, ReadOptions { fast, buffer: READ_BUFFER }).unwrap();
            let mut rows = 0;
            while let Some(b) = reader.read_batch().unwrap() {
                rows += b.num_rows();
            }
            println!("fast {fast}: {rows} rows in {:.0} ms (reads {:.0} ms)", started.elapsed().as_secs_f64() * 1e3, reader.input.read_time.as_secs_f64() * 1e3);
        }
    }
}
