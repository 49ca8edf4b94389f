//! One stream's extraction: files in order, each parsed by arrow-csv into record
//! batches of the stream's schema, filtered by the cursor, encoded as IPC streams.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::types::TimestampMicrosecondType;
use arrow_array::cast::AsArray;
use arrow_array::{new_null_array, Array, ArrayRef, RecordBatch, RecordBatchOptions};
use arrow_csv::reader::Decoder;
use arrow_csv::ReaderBuilder;
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::checkpoint::{self, Checkpoint};
use crate::config::{Config, Strategy};
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::files;
use crate::ipc;
use crate::positional::PositionalReader;
use crate::schema::{self, Column, ColumnType, TIMESTAMP_TZ};

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

enum Mode {
    Full,
    /// file_mtime: the files read completely so far (path -> mtime ns).
    Files(BTreeMap<String, u128>),
    Cursor(Cursor),
}

struct FileTask {
    path: String,
    mtime_ns: u128,
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
}

pub struct Extraction {
    config: Config,
    columns: Vec<Column>,
    schema: SchemaRef,
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
        let columns = match req.schema {
            Some(s) => schema::from_json_schema(s)?,
            None => schema::infer(&paths[0], &config)?,
        };
        let schema = schema::arrow_schema(&columns);
        let previous = checkpoint::parse(req.checkpoint, &config)?;

        let mut tasks = Vec::with_capacity(paths.len());
        for path in paths {
            let mtime_ns = if config.strategy() == Some(Strategy::FileMtime) { files::mtime_ns(&path)? } else { 0 };
            tasks.push(FileTask { path, mtime_ns });
        }
        let mode = match config.strategy() {
            None => Mode::Full,
            Some(Strategy::FileMtime) => {
                let seen = match previous {
                    Checkpoint::Files(seen) => seen,
                    _ => BTreeMap::new(),
                };
                // Files read before with the same (or a later) mtime are skipped; files no
                // longer matched are forgotten, so the checkpoint does not grow forever.
                let mut kept = BTreeMap::new();
                tasks.retain(|t| match seen.get(&t.path) {
                    Some(&ns) if t.mtime_ns <= ns => {
                        kept.insert(t.path.clone(), ns);
                        false
                    }
                    _ => true,
                });
                Mode::Files(kept)
            }
            Some(Strategy::Cursor) => {
                let start = match &previous {
                    Checkpoint::Cursor(v) => Some(v),
                    _ => None,
                };
                Mode::Cursor(Cursor::new(config.cursor_field().unwrap_or(""), &columns, start)?)
            }
        };

        Ok(Extraction {
            config,
            columns,
            schema,
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
                        let reader = FileReader::open(&task.path, &self.config, &self.columns, &self.schema)?;
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
        let batch = match &self.mode {
            Mode::Cursor(cursor) => {
                let started = Instant::now();
                let filtered = cursor.filter(batch);
                self.stats.filter += started.elapsed();
                filtered?
            }
            _ => batch,
        };
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let started = Instant::now();
        let pieces = ipc::encode_within(&batch, self.max_batch_bytes)?;
        self.stats.encode += started.elapsed();
        for (piece, bytes) in pieces {
            let checkpoint = match &mut self.mode {
                Mode::Cursor(cursor) => {
                    cursor.observe(&piece);
                    cursor.max_json().map(|max| checkpoint::cursor_json(&cursor.field, &max))
                }
                _ => None,
            };
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
        let (task, _) = self.current.take().expect("a current file");
        if let Mode::Files(seen) = &mut self.mode {
            seen.insert(task.path, task.mtime_ns);
            let state = checkpoint::files_json(seen);
            match self.ready.back_mut() {
                Some(last) => last.checkpoint = Some(state),
                None => {
                    let bytes = ipc::encode(&RecordBatch::new_empty(self.schema.clone()))?;
                    self.stats.batches += 1;
                    self.stats.bytes += bytes.len();
                    self.ready.push_back(Output { bytes, checkpoint: Some(state) });
                }
            }
        }
        Ok(())
    }
}

/// Where a stream column comes from in one file's parsed batches.
enum Source {
    /// Index in the decoder's (projected) output.
    Parsed(usize),
    /// Not in this file: nulls.
    Missing,
}

struct FileReader {
    path: String,
    reader: BufReader<PositionalReader>,
    decoder: Decoder,
    /// The file's column names (header, or the stream's names without one).
    header: Vec<String>,
    sources: Vec<Source>,
    columns: Vec<Column>,
    schema: SchemaRef,
    /// Lines before the first data row (1 with a header).
    header_lines: usize,
    /// Data rows decoded so far.
    rows_before: usize,
    /// One batch of lookahead, to know which batch is a file's last.
    peeked: Option<RecordBatch>,
}

impl FileReader {
    fn open(path: &str, config: &Config, columns: &[Column], schema: &SchemaRef) -> Result<FileReader> {
        let header: Vec<String> = if config.has_header {
            schema::read_head(path, config, 0)?.0
        } else {
            let width = schema::read_head(path, config, 1)?.1.first().map_or(columns.len(), |r| r.len());
            (0..width)
                .map(|i| columns.get(i).map_or_else(|| format!("column_{}", i + 1), |c| c.name.clone()))
                .collect()
        };

        // The file's columns: the stream's types by name; others are left unparsed.
        let mut fields = Vec::with_capacity(header.len());
        let mut projection = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let column = columns.iter().find(|c| &c.name == name);
            let wanted = column.is_some() && !header[..i].contains(name);
            let ty = column.map_or(DataType::Utf8, |c| c.ty.parse_type());
            fields.push(Field::new(name, ty, true));
            if wanted {
                projection.push(i);
            }
        }
        let mut sources = Vec::with_capacity(columns.len());
        for c in columns {
            match projection.iter().position(|&i| header[i] == c.name) {
                Some(p) => sources.push(Source::Parsed(p)),
                None if c.nullable => sources.push(Source::Missing),
                None => {
                    return Err(Error::data(
                        "CSV_MISSING_COLUMN",
                        format!("{path}: required column {:?} is not in the file (columns: {})", c.name, header.join(", ")),
                    ))
                }
            }
        }

        let mut builder = ReaderBuilder::new(Arc::new(Schema::new(fields)))
            .with_header(config.has_header)
            .with_delimiter(config.delimiter_byte())
            .with_batch_size(config.batch_rows);
        if projection.len() != header.len() {
            builder = builder.with_projection(projection);
        }
        let file = File::open(path).map_err(|e| Error::config("FILE_NOT_FOUND", format!("{path}: cannot open: {e}")))?;
        Ok(FileReader {
            path: path.to_string(),
            reader: BufReader::with_capacity(READ_BUFFER, PositionalReader::new(file)),
            decoder: builder.build_decoder(),
            header,
            sources,
            columns: columns.to_vec(),
            schema: schema.clone(),
            header_lines: usize::from(config.has_header),
            rows_before: 0,
            peeked: None,
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
        loop {
            let buf = self.reader.fill_buf().map_err(|e| Error::io(&self.path, e))?;
            let decoded = match self.decoder.decode(buf) {
                Ok(n) => n,
                Err(e) => return Err(self.csv_error(e)),
            };
            self.reader.consume(decoded);
            if decoded == 0 || self.decoder.capacity() == 0 {
                break;
            }
        }
        let parsed = match self.decoder.flush() {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(None),
            Err(e) => return Err(self.csv_error(e)),
        };
        let batch = self.to_stream_batch(&parsed)?;
        self.rows_before += parsed.num_rows();
        Ok(Some(batch))
    }

    /// The parsed batch in the stream's column order and types.
    fn to_stream_batch(&self, parsed: &RecordBatch) -> Result<RecordBatch> {
        let rows = parsed.num_rows();
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        for (column, source) in self.columns.iter().zip(&self.sources) {
            let array = match source {
                Source::Parsed(i) => parsed.column(*i).clone(),
                Source::Missing => new_null_array(&column.ty.arrow_type(), rows),
            };
            if !column.nullable && array.null_count() > 0 {
                let row = (0..rows).find(|&r| array.is_null(r)).unwrap_or(0);
                return Err(Error::data(
                    "CSV_PARSE_ERROR",
                    format!(
                        "{} line {}, column {:?}: empty value in a required column",
                        self.path,
                        self.line_of(row),
                        column.name
                    ),
                ));
            }
            let array = match column.ty {
                ColumnType::Timestamp => {
                    Arc::new(array.as_primitive::<TimestampMicrosecondType>().clone().with_timezone(TIMESTAMP_TZ)) as ArrayRef
                }
                _ => array,
            };
            arrays.push(array);
        }
        RecordBatch::try_new_with_options(self.schema.clone(), arrays, &RecordBatchOptions::new().with_row_count(Some(rows)))
            .map_err(|e| Error::internal("BATCH_BUILD", format!("{}: {e}", self.path)))
    }

    /// The 1-based line of a row of the batch being built (records and lines agree
    /// unless quoted values span lines).
    fn line_of(&self, row_in_batch: usize) -> usize {
        self.header_lines + self.rows_before + row_in_batch + 1
    }

    /// An arrow-csv error as CSV_PARSE_ERROR naming the file, line and column.
    fn csv_error(&self, e: ArrowError) -> Error {
        let text = e.to_string();
        let column_name = |i: usize| self.header.get(i).map_or_else(|| format!("#{}", i + 1), |n| format!("{n:?}"));
        // "incorrect number of fields for line N, expected E got G": N counts records from 1, header included.
        if let (Some(line), Some(expected)) = (number_after(&text, "for line "), number_after(&text, "expected ")) {
            let got = number_after(&text, "got ").or_else(|| number_after(&text, "got more than "));
            let detail = match got {
                Some(g) if g < expected => format!("column {}: missing (the row has {g} fields, expected {expected})", column_name(g)),
                _ => format!("column {}: extra field (expected {expected} fields)", column_name(expected)),
            };
            return Error::data("CSV_PARSE_ERROR", format!("{} line {line}, {detail}", self.path));
        }
        // "... for column C at line L ..." / "Error parsing column C at line L": L counts data rows from the header's index.
        if let (Some(col), Some(line)) = (number_after(&text, "column "), number_after(&text, "at line ")) {
            let reason = match text.find("Error while parsing value ") {
                Some(i) => text[i + "Error while parsing ".len()..].split(" for column").next().unwrap_or("").to_string(),
                None => text.split_once(&format!("at line {line}: ")).map_or(text.as_str(), |(_, r)| r).to_string(),
            };
            return Error::data(
                "CSV_PARSE_ERROR",
                format!("{} line {}, column {}: cannot parse {reason}", self.path, line + 1, column_name(col)),
            );
        }
        Error::data("CSV_PARSE_ERROR", format!("{} (after line {}): {text}", self.path, self.header_lines + self.rows_before))
    }
}

/// The unsigned number right after `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> Option<usize> {
    let start = text.find(prefix)? + prefix.len();
    let digits: String = text[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
