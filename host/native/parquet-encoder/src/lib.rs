//! Parquet encoding for the host's encoder threads, exported as plain wasm functions (no
//! imports, no bindgen): the host writes an Arrow IPC stream into memory this module
//! allocated (`pe_input`), appends it to an open file (`pe_append`), and copies out the
//! Parquet bytes completed so far (`pe_take`, `pe_output`). A failed call returns 0 and
//! leaves its message at `pe_error` / `pe_error_len`.

mod options;

use std::cell::RefCell;

use arrow_array::RecordBatch;
use arrow_buffer::Buffer;
use arrow_ipc::reader::StreamDecoder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

/// One Parquet file being written. Its writer is created by the first stream's schema.
struct File {
    properties: Option<WriterProperties>,
    writer: Option<ArrowWriter<Vec<u8>>>,
    /// Bytes taken from the writer, for the host to copy out.
    output: Vec<u8>,
}

thread_local! {
    static FILES: RefCell<Vec<Option<File>>> = const { RefCell::new(Vec::new()) };
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

type Result<T> = std::result::Result<T, String>;

fn report<T>(r: Result<T>, ok: impl FnOnce(T) -> u32) -> u32 {
    match r {
        Ok(v) => ok(v),
        Err(e) => {
            ERROR.with(|m| *m.borrow_mut() = e);
            0
        }
    }
}

fn with_file<T>(handle: u32, f: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    FILES.with(|files| {
        let mut files = files.borrow_mut();
        let slot = files.get_mut((handle as usize).wrapping_sub(1)).and_then(Option::as_mut);
        f(slot.ok_or_else(|| format!("no open file {handle}"))?)
    })
}

/// A buffer of `len` bytes for the next stream: its address (valid until the next call).
#[no_mangle]
pub extern "C" fn pe_input(len: u32) -> *mut u8 {
    INPUT.with(|i| {
        let mut buf = i.borrow_mut();
        *buf = vec![0; len as usize];
        buf.as_mut_ptr()
    })
}

/// Opens a file with the options (JSON, in the input buffer): its handle, or 0.
#[no_mangle]
pub extern "C" fn pe_open() -> u32 {
    let json = INPUT.with(|i| std::mem::take(&mut *i.borrow_mut()));
    report(options::properties(&json), |properties| {
        let file = File { properties: Some(properties), writer: None, output: Vec::new() };
        FILES.with(|files| {
            let mut files = files.borrow_mut();
            let free = files.iter().position(Option::is_none);
            let i = free.unwrap_or_else(|| {
                files.push(None);
                files.len() - 1
            });
            files[i] = Some(file);
            i as u32 + 1
        })
    })
}

/// Appends the Arrow IPC stream in the input buffer to a file: its rows, plus 1, or 0.
#[no_mangle]
pub extern "C" fn pe_append(handle: u32) -> u32 {
    let bytes = INPUT.with(|i| std::mem::take(&mut *i.borrow_mut()));
    report(with_file(handle, |file| append(file, bytes)), |rows| rows as u32 + 1)
}

fn append(file: &mut File, bytes: Vec<u8>) -> Result<usize> {
    let mut buffer = Buffer::from(bytes);
    let mut decoder = StreamDecoder::new();
    let mut rows = 0;
    while !buffer.is_empty() {
        let batch = decoder.decode(&mut buffer).map_err(|e| e.to_string())?;
        if let Some(schema) = decoder.schema() {
            writer(file, schema)?;
        }
        if let Some(batch) = batch {
            rows += batch.num_rows();
            write(file, &batch)?;
        }
    }
    decoder.finish().map_err(|e| e.to_string())?;
    if decoder.schema().is_none() {
        return Err("the Arrow IPC stream has no schema".into());
    }
    Ok(rows)
}

/// The file's writer, created from the first stream's schema.
fn writer(file: &mut File, schema: arrow_schema::SchemaRef) -> Result<&mut ArrowWriter<Vec<u8>>> {
    if file.writer.is_none() {
        let props = file.properties.take();
        let w = ArrowWriter::try_new(Vec::with_capacity(1 << 20), schema, props);
        file.writer = Some(w.map_err(|e| e.to_string())?);
    }
    Ok(file.writer.as_mut().expect("created above"))
}

fn write(file: &mut File, batch: &RecordBatch) -> Result<()> {
    let w = file.writer.as_mut().ok_or("a record batch before the schema")?;
    w.write(batch).map_err(|e| e.to_string())?;
    drain(w.inner_mut(), &mut file.output);
    Ok(())
}

/// Moves what the writer has flushed to `output` (swapping buffers when `output` is empty).
fn drain(flushed: &mut Vec<u8>, output: &mut Vec<u8>) {
    if output.is_empty() {
        std::mem::swap(flushed, output);
    } else {
        output.append(flushed);
    }
}

/// Moves the Parquet bytes completed so far into the file's output: their length.
#[no_mangle]
pub extern "C" fn pe_take(handle: u32) -> u32 {
    report(with_file(handle, |f| Ok(f.output.len())), |n| n as u32)
}

/// The address of the file's output (valid until the next call); `pe_clear` empties it.
#[no_mangle]
pub extern "C" fn pe_output(handle: u32) -> *const u8 {
    with_file(handle, |f| Ok(f.output.as_ptr())).unwrap_or(std::ptr::null())
}

#[no_mangle]
pub extern "C" fn pe_clear(handle: u32) {
    let _ = with_file(handle, |f| {
        f.output.clear();
        Ok(())
    });
}

/// Writes the footer (the rest of the file goes to the output): 1, or 0.
#[no_mangle]
pub extern "C" fn pe_close(handle: u32) -> u32 {
    report(
        with_file(handle, |file| {
            let w = file.writer.as_mut().ok_or("the file was given no Arrow IPC stream")?;
            w.finish().map_err(|e| e.to_string())?;
            drain(w.inner_mut(), &mut file.output);
            Ok(())
        }),
        |()| 1,
    )
}

/// Frees a file (closed or not).
#[no_mangle]
pub extern "C" fn pe_free(handle: u32) {
    FILES.with(|files| {
        if let Some(slot) = files.borrow_mut().get_mut((handle as usize).wrapping_sub(1)) {
            *slot = None;
        }
    });
}

#[no_mangle]
pub extern "C" fn pe_error() -> *const u8 {
    ERROR.with(|m| m.borrow().as_ptr())
}

#[no_mangle]
pub extern "C" fn pe_error_len() -> u32 {
    ERROR.with(|m| m.borrow().len() as u32)
}
