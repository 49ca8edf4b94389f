//! The fast CSV decoder for the common case: unquoted, well-formed rows.
//!
//! [`Scanner`] finds the delimiters and line ends of up to `batch_rows` rows with SIMD
//! compares (wasm simd128 in the plugin, SSE2 in native tests), 64 bytes at a time, and
//! records where every field ends. [`decode_columns`] then parses each projected column
//! straight into Arrow buffers, with the value rules of arrow-csv (empty field = null,
//! arrow_cast's parsers, arrow-csv's boolean rule) and hand-written fast forms for the
//! plainest values (digits, `123.45`, `YYYY-MM-DD[T ]hh:mm:ss[.f]{Z}`), which give the
//! same value arrow_cast would (tested below); anything else goes to arrow_cast itself.
//!
//! Neither ever fails with a message: when a batch holds anything the fast path does not
//! decode exactly like arrow-csv (a quote, a lone CR, an empty line, a wrong field count,
//! invalid UTF-8, an unparsable value), they answer "fall back", and the caller decodes
//! that batch with arrow-csv, which produces the batch or the error it always did.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, NullBufferBuilder};
use arrow_array::types::{Date32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{ArrayRef, StringArray, TimestampMicrosecondArray};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_cast::parse::{string_to_datetime, Parser};
use arrow_schema::{DataType, TimeUnit};

/// Bytes scanned per step.
const BLOCK: usize = 64;

/// How one projected column is parsed (the parse types of schema::ColumnType).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int64,
    Int32,
    Float64,
    Boolean,
    Utf8,
    /// Timestamp(Microsecond, None): naive values as UTC, offsets honoured.
    Timestamp,
    Date32,
}

impl Kind {
    /// The kind for an arrow-csv parse type, None for a type the fast path does not decode.
    pub fn of(ty: &DataType) -> Option<Kind> {
        Some(match ty {
            DataType::Int64 => Kind::Int64,
            DataType::Int32 => Kind::Int32,
            DataType::Float64 => Kind::Float64,
            DataType::Boolean => Kind::Boolean,
            DataType::Utf8 => Kind::Utf8,
            DataType::Timestamp(TimeUnit::Microsecond, None) => Kind::Timestamp,
            DataType::Date32 => Kind::Date32,
            _ => return None,
        })
    }
}

/// What a scan step found.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// `rows` complete rows in the first `len` bytes (`rows` is below the target only at
    /// the end of the input; 0 when no row is left).
    Done { rows: usize, len: usize },
    /// Call again with the same bytes and more after them.
    More,
    /// Decode this batch with arrow-csv.
    Fallback,
}

/// Finds the fields of up to `target` rows of `ncol` fields each. Positions are relative
/// to the batch's first byte, so the bytes may move between steps (buffer compaction)
/// as long as the batch keeps starting at index 0 of what is passed.
pub struct Scanner {
    delimiter: u8,
    ncol: usize,
    target: usize,
    /// seps[0] = u32::MAX (so field k starts at seps[k] + 1, wrapping), then the end
    /// offset of every field: row r's field c ends at seps[1 + r * ncol + c].
    seps: Vec<u32>,
    /// Next slot of seps.
    k: usize,
    /// The slot the current row's line end must land in.
    row_end: usize,
    rows: usize,
    /// Next byte to scan.
    pos: usize,
    /// The previous block ended with a CR: the next byte must be LF.
    pending_cr: bool,
    /// A byte >= 0x80 was seen: the batch's UTF-8 must be checked.
    pub non_ascii: bool,
}

impl Scanner {
    pub fn new(delimiter: u8, ncol: usize) -> Scanner {
        debug_assert!(ncol > 0 && !matches!(delimiter, b'"' | b'\r' | b'\n') && delimiter < 0x80);
        Scanner {
            delimiter,
            ncol,
            target: 0,
            seps: Vec::new(),
            k: 1,
            row_end: ncol,
            rows: 0,
            pos: 0,
            pending_cr: false,
            non_ascii: false,
        }
    }

    /// Starts a batch of at most `target` rows.
    pub fn reset(&mut self, target: usize) {
        self.target = target;
        // A slot per field, and a block's worth after them (see block()).
        let slots = 1 + target * self.ncol + BLOCK;
        if self.seps.len() != slots {
            self.seps = vec![0; slots];
        }
        self.seps[0] = u32::MAX;
        self.k = 1;
        self.row_end = self.ncol;
        self.rows = 0;
        self.pos = 0;
        self.pending_cr = false;
        self.non_ascii = false;
    }

    /// The field ends of the rows found (see `seps`).
    pub fn seps(&self) -> &[u32] {
        &self.seps[..self.k]
    }

    /// Scans on from where the last step stopped. `bytes` starts at the batch's first
    /// byte; `eof`: nothing follows them.
    pub fn scan(&mut self, bytes: &[u8], eof: bool) -> Step {
        if bytes.len() >= u32::MAX as usize - BLOCK {
            return Step::Fallback;
        }
        while self.pos + BLOCK <= bytes.len() {
            let base = self.pos;
            let block: &[u8; BLOCK] = bytes[base..base + BLOCK].try_into().expect("a block");
            if let Some(step) = self.block(block, base, bytes) {
                return step;
            }
            self.pos += BLOCK;
        }
        if !eof {
            return Step::More;
        }
        // The tail, padded with zeros (neither structural nor special).
        let base = self.pos;
        let mut block = [0u8; BLOCK];
        block[..bytes.len() - base].copy_from_slice(&bytes[base..]);
        if let Some(step) = self.block(&block, base, bytes) {
            return step;
        }
        self.pos = bytes.len();
        if self.pending_cr {
            return Step::Fallback;
        }
        // A last line without a line end.
        let line_start = self.seps[self.row_end - self.ncol].wrapping_add(1) as usize;
        if line_start < bytes.len() {
            if let Some(step) = self.last_line(bytes.len(), bytes) {
                return step;
            }
        }
        Step::Done { rows: self.rows, len: bytes.len() }
    }

    /// One block at `base`: Some(step) when the batch is complete or must fall back.
    #[inline(always)]
    fn block(&mut self, block: &[u8; BLOCK], base: usize, bytes: &[u8]) -> Option<Step> {
        let m = masks(block, self.delimiter);
        if self.pending_cr {
            if m.newline & 1 == 0 {
                return Some(Step::Fallback);
            }
            self.pending_cr = false;
        }
        if m.special != 0 {
            // A quote or a byte >= 0x80: quotes fall back, other bytes need a UTF-8 check.
            let (quote, high) = special_masks(block);
            if quote != 0 {
                return Some(Step::Fallback);
            }
            if high != 0 {
                self.non_ascii = true;
            }
        }
        if m.cr != 0 {
            // A CR must end a line (CRLF): the next byte is LF, maybe in the next block.
            if m.cr & !(m.newline >> 1) & !(1 << 63) != 0 {
                return Some(Step::Fallback);
            }
            self.pending_cr = m.cr >> 63 != 0;
        }
        // Every delimiter and line end goes to the next slots (a block holds at most 64,
        // and seps has that much room after the batch's last slot) ...
        let structural = m.delimiter | m.newline;
        let k0 = self.k;
        let out: &mut [u32; BLOCK] = (&mut self.seps[k0..k0 + BLOCK]).try_into().expect("a block of slots");
        let mut bits = structural;
        let mut j = 0;
        while bits != 0 {
            out[j & (BLOCK - 1)] = (base + bits.trailing_zeros() as usize) as u32;
            bits &= bits - 1;
            j += 1;
        }
        // ... then each line end must have landed in its row's last slot.
        let mut newlines = m.newline;
        while newlines != 0 {
            let i = newlines.trailing_zeros();
            newlines &= newlines - 1;
            let slot = k0 + (structural & ((1u64 << i) - 1)).count_ones() as usize;
            if slot != self.row_end {
                return Some(Step::Fallback); // fewer or more fields than the header, or an empty line
            }
            self.k = slot + 1;
            if let Some(step) = self.row_done(base + i as usize, bytes) {
                return Some(step);
            }
        }
        self.k = k0 + j;
        if self.k > self.row_end {
            return Some(Step::Fallback); // more fields than the header
        }
        None
    }

    /// The last line ends at the end of the input, without a line end.
    fn last_line(&mut self, at: usize, bytes: &[u8]) -> Option<Step> {
        if self.k != self.row_end {
            return Some(Step::Fallback); // fewer fields than the header
        }
        self.seps[self.k] = at as u32;
        self.k += 1;
        self.row_done(at, bytes)
    }

    /// Row `rows` ended at `at` (its LF, or the end of the input), in slot row_end.
    #[inline(always)]
    fn row_done(&mut self, at: usize, bytes: &[u8]) -> Option<Step> {
        if self.ncol == 1 {
            // One column: an empty line would be a null here but is skipped by arrow-csv.
            let line_start = self.seps[self.row_end - 1].wrapping_add(1) as usize;
            let cr = at > line_start && bytes[at - 1] == b'\r';
            if at - usize::from(cr) == line_start {
                return Some(Step::Fallback);
            }
        }
        self.row_end += self.ncol;
        self.rows += 1;
        if self.rows == self.target {
            return Some(Step::Done { rows: self.rows, len: (at + 1).min(bytes.len()) });
        }
        None
    }
}

struct Masks {
    delimiter: u64,
    newline: u64,
    cr: u64,
    /// A quote or a byte >= 0x80.
    special: u64,
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn masks(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    use core::arch::wasm32::*;
    let (d, n, q, r) = (u8x16_splat(delimiter), u8x16_splat(b'\n'), u8x16_splat(b'"'), u8x16_splat(b'\r'));
    let (mut delim, mut newline, mut cr, mut special) = (0u64, 0u64, 0u64, 0u64);
    for j in 0..BLOCK / 16 {
        // SAFETY: the block holds 64 bytes; v128_load has no alignment requirement.
        let v = unsafe { v128_load(block.as_ptr().add(16 * j).cast::<v128>()) };
        delim |= (u8x16_bitmask(u8x16_eq(v, d)) as u64) << (16 * j);
        newline |= (u8x16_bitmask(u8x16_eq(v, n)) as u64) << (16 * j);
        cr |= (u8x16_bitmask(u8x16_eq(v, r)) as u64) << (16 * j);
        special |= (u8x16_bitmask(v128_or(u8x16_eq(v, q), v)) as u64) << (16 * j);
    }
    Masks { delimiter: delim, newline, cr, special }
}

#[cfg(all(target_arch = "x86_64", not(all(target_arch = "wasm32", target_feature = "simd128"))))]
#[inline(always)]
fn masks(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; the block holds 64 bytes; loadu is unaligned.
    unsafe {
        let (d, n, q, r) = (
            _mm_set1_epi8(delimiter as i8),
            _mm_set1_epi8(b'\n' as i8),
            _mm_set1_epi8(b'"' as i8),
            _mm_set1_epi8(b'\r' as i8),
        );
        let (mut delim, mut newline, mut cr, mut special) = (0u64, 0u64, 0u64, 0u64);
        for j in 0..BLOCK / 16 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * j).cast::<__m128i>());
            delim |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, d)) as u32 as u64) << (16 * j);
            newline |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, n)) as u32 as u64) << (16 * j);
            cr |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, r)) as u32 as u64) << (16 * j);
            special |= (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), v)) as u32 as u64) << (16 * j);
        }
        Masks { delimiter: delim, newline, cr, special }
    }
}

#[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
#[inline(always)]
fn masks(block: &[u8; BLOCK], delimiter: u8) -> Masks {
    let (mut delim, mut newline, mut cr, mut special) = (0u64, 0u64, 0u64, 0u64);
    for (i, &b) in block.iter().enumerate() {
        delim |= u64::from(b == delimiter) << i;
        newline |= u64::from(b == b'\n') << i;
        cr |= u64::from(b == b'\r') << i;
        special |= u64::from(b == b'"' || b >= 0x80) << i;
    }
    Masks { delimiter: delim, newline, cr, special }
}

/// (quotes, bytes >= 0x80) of a block: only for the blocks that hold any.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(never)]
fn special_masks(block: &[u8; BLOCK]) -> (u64, u64) {
    use core::arch::wasm32::*;
    let q = u8x16_splat(b'"');
    let (mut quote, mut high) = (0u64, 0u64);
    for j in 0..BLOCK / 16 {
        // SAFETY: as in masks().
        let v = unsafe { v128_load(block.as_ptr().add(16 * j).cast::<v128>()) };
        quote |= (u8x16_bitmask(u8x16_eq(v, q)) as u64) << (16 * j);
        high |= (u8x16_bitmask(v) as u64) << (16 * j);
    }
    (quote, high)
}

/// (quotes, bytes >= 0x80) of a block: only for the blocks that hold any.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(never)]
fn special_masks(block: &[u8; BLOCK]) -> (u64, u64) {
    let (mut quote, mut high) = (0u64, 0u64);
    for (i, &b) in block.iter().enumerate() {
        quote |= u64::from(b == b'"') << i;
        high |= u64::from(b >= 0x80) << i;
    }
    (quote, high)
}

/// The projected columns of a scanned batch: `columns` holds (file column, kind) in
/// output order. None: decode the batch with arrow-csv instead. `bytes` must be valid
/// UTF-8 (the caller checks it when the scanner saw a byte >= 0x80).
pub fn decode_columns(bytes: &[u8], seps: &[u32], rows: usize, ncol: usize, columns: &[(usize, Kind)]) -> Option<Vec<ArrayRef>> {
    if bytes.len() > i32::MAX as usize || seps.len() != 1 + rows * ncol {
        return None;
    }
    let mut arrays = Vec::with_capacity(columns.len());
    for &(c, kind) in columns {
        let fields = Fields { bytes, seps, ncol, c, last: c + 1 == ncol, rows };
        arrays.push(match kind {
            Kind::Int64 => int64_column(&fields)?,
            Kind::Int32 => int32_column(&fields)?,
            Kind::Float64 => float64_column(&fields)?,
            Kind::Date32 => date32_column(&fields)?,
            Kind::Timestamp => timestamp_column(&fields)?,
            Kind::Boolean => boolean_column(&fields)?,
            Kind::Utf8 => utf8_column(&fields),
        });
    }
    Some(arrays)
}

#[inline(never)]
fn int64_column(fields: &Fields<'_>) -> Option<ArrayRef> {
    let bytes = fields.bytes;
    primitive::<Int64Type>(fields, |s| parse_i64_in(bytes, s).or_else(|| Int64Type::parse(as_str(s))))
}

/// An Int32 column: a value out of 32 bits sends the batch to arrow-csv (and its error).
#[inline(never)]
fn int32_column(fields: &Fields<'_>) -> Option<ArrayRef> {
    let bytes = fields.bytes;
    primitive::<Int32Type>(fields, |s| {
        let v = parse_i64_in(bytes, s).or_else(|| Int64Type::parse(as_str(s)))?;
        i32::try_from(v).ok()
    })
}

#[inline(never)]
fn float64_column(fields: &Fields<'_>) -> Option<ArrayRef> {
    let bytes = fields.bytes;
    primitive::<Float64Type>(fields, |s| parse_f64_in(bytes, s).or_else(|| Float64Type::parse(as_str(s))))
}

#[inline(never)]
fn date32_column(fields: &Fields<'_>) -> Option<ArrayRef> {
    let mut dates = DateCache::default();
    primitive::<Date32Type>(fields, |s| {
        if s.len() == 10 {
            if let Some(days) = dates.days(s) {
                return Some(days as i32);
            }
        }
        Date32Type::parse(as_str(s))
    })
}

#[inline(never)]
fn timestamp_column(fields: &Fields<'_>) -> Option<ArrayRef> {
    let mut dates = DateCache::default();
    let mut values = Vec::with_capacity(fields.rows);
    let mut nulls = NullBufferBuilder::new(fields.rows);
    for r in 0..fields.rows {
        let s = fields.get(r);
        if s.is_empty() {
            nulls.append_null();
            values.push(0);
        } else {
            values.push(parse_timestamp_micros(s, &mut dates).or_else(|| timestamp_micros(as_str(s)))?);
            nulls.append_non_null();
        }
    }
    Some(Arc::new(TimestampMicrosecondArray::new(ScalarBuffer::from(values), nulls.finish())) as ArrayRef)
}

#[inline(never)]
fn boolean_column(fields: &Fields<'_>) -> Option<ArrayRef> {
    let mut builder = BooleanBuilder::with_capacity(fields.rows);
    for r in 0..fields.rows {
        let s = fields.get(r);
        if s.is_empty() {
            builder.append_null();
        } else {
            builder.append_value(parse_bool(s)?);
        }
    }
    Some(Arc::new(builder.finish()) as ArrayRef)
}

#[inline(never)]
fn utf8_column(fields: &Fields<'_>) -> ArrayRef {
    let rows = fields.rows;
    let bytes = fields.bytes;
    let mut offsets: Vec<i32> = Vec::with_capacity(rows + 1);
    offsets.push(0);
    // At most the bytes between the column's delimiters, plus room for the last 16-byte
    // copy to overrun.
    let total: usize = (0..rows).map(|r| fields.span(r).len()).sum();
    let mut values: Vec<u8> = Vec::with_capacity(total + 16);
    let mut len = 0;
    let mut nulls = NullBufferBuilder::new(rows);
    for r in 0..rows {
        let span = fields.span(r);
        let s = fields.trim(span.clone());
        if s.is_empty() {
            nulls.append_null();
        } else {
            let n = s.end - s.start;
            if s.start + n.next_multiple_of(16) <= bytes.len() {
                // Short copies by 16 bytes at a time (a memcpy call per field costs more
                // than the copy): they may read past the field (inside `bytes`) and write
                // past it (inside the capacity), and `len` only counts the field.
                // SAFETY: the reads stay in `bytes` (checked above); the writes stay in
                // values' capacity: len + n <= total and the last write ends before
                // len + n + 16.
                unsafe {
                    let (src, dst) = (bytes.as_ptr().add(s.start), values.as_mut_ptr().add(len));
                    let mut done = 0;
                    while done < n {
                        std::ptr::copy_nonoverlapping(src.add(done), dst.add(done), 16);
                        done += 16;
                    }
                }
            } else {
                // SAFETY: as above, without the overrun.
                unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr().add(s.start), values.as_mut_ptr().add(len), n) };
            }
            len += n;
            nulls.append_non_null();
        }
        offsets.push(len as i32);
    }
    // SAFETY: the first len bytes were written above.
    unsafe { values.set_len(len) };
    // SAFETY: offsets start at 0, never decrease and end at values.len()
    // (<= bytes.len() <= i32::MAX); every value is a whole field of valid UTF-8
    // cut at ASCII delimiters, so valid UTF-8 itself.
    unsafe {
        let offsets = OffsetBuffer::new_unchecked(ScalarBuffer::from(offsets));
        Arc::new(StringArray::new_unchecked(offsets, Buffer::from_vec(values), nulls.finish())) as ArrayRef
    }
}

/// The last date seen in a column (most rows of a batch share their day).
#[derive(Default)]
struct DateCache {
    /// The date's 10 bytes as 8 + 2 (zeros never match: no date holds NUL bytes).
    key: (u64, u16),
    days: i64,
}


impl DateCache {
    /// `YYYY-MM-DD` at the start of `s` (a valid date) as days since 1970-01-01.
    #[inline(always)]
    fn days(&mut self, s: &[u8]) -> Option<i64> {
        if s.len() < 10 {
            return None;
        }
        let key = (u64::from_le_bytes(s[..8].try_into().expect("8 bytes")), u16::from_le_bytes([s[8], s[9]]));
        if key != self.key {
            self.days = date_prefix(s)?;
            self.key = key;
        }
        Some(self.days)
    }
}

/// The fields of one column of a scanned batch.
struct Fields<'a> {
    bytes: &'a [u8],
    seps: &'a [u32],
    ncol: usize,
    c: usize,
    /// The row's last field: a CR before its LF is not part of it.
    last: bool,
    rows: usize,
}

impl<'a> Fields<'a> {
    #[inline(always)]
    fn get(&self, r: usize) -> &'a [u8] {
        &self.bytes[self.trim(self.span(r))]
    }

    /// The bytes between row r's delimiters (CR included).
    #[inline(always)]
    fn span(&self, r: usize) -> std::ops::Range<usize> {
        debug_assert!(r < self.rows);
        let k = r * self.ncol + self.c;
        self.seps[k].wrapping_add(1) as usize..self.seps[k + 1] as usize
    }

    /// The field in a span: without the CR of a CRLF after the row's last field.
    #[inline(always)]
    fn trim(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        if self.last && span.end > span.start && self.bytes[span.end - 1] == b'\r' {
            span.start..span.end - 1
        } else {
            span
        }
    }
}

fn primitive<T: arrow_array::ArrowPrimitiveType>(fields: &Fields<'_>, mut parse: impl FnMut(&[u8]) -> Option<T::Native>) -> Option<ArrayRef> {
    let mut values: Vec<T::Native> = Vec::with_capacity(fields.rows);
    let mut nulls = NullBufferBuilder::new(fields.rows);
    for r in 0..fields.rows {
        let s = fields.get(r);
        if s.is_empty() {
            nulls.append_null();
            values.push(T::Native::default());
        } else {
            values.push(parse(s)?);
            nulls.append_non_null();
        }
    }
    Some(Arc::new(arrow_array::PrimitiveArray::<T>::new(ScalarBuffer::from(values), nulls.finish())) as ArrayRef)
}

#[inline(always)]
fn as_str(s: &[u8]) -> &str {
    // SAFETY: decode_columns' contract: the batch is valid UTF-8 and fields are cut at
    // ASCII bytes.
    unsafe { std::str::from_utf8_unchecked(s) }
}

/// arrow-csv's boolean rule: "true" or "false" in any case (eq_ignore_ascii_case).
/// OR-ing 0x20 into a byte gives a lowercase letter only from that letter in either
/// case, so one 4-byte compare does it.
#[inline]
pub fn parse_bool(s: &[u8]) -> Option<bool> {
    const TRUE: u32 = u32::from_le_bytes(*b"true");
    const FALS: u32 = u32::from_le_bytes(*b"fals");
    if s.len() < 4 {
        return None;
    }
    let head = u32::from_le_bytes([s[0], s[1], s[2], s[3]]) | 0x2020_2020;
    match s.len() {
        4 if head == TRUE => Some(true),
        5 if head == FALS && s[4] | 0x20 == b'e' => Some(false),
        _ => None,
    }
}

/// arrow-csv's timestamp rule for Timestamp(Microsecond, None).
fn timestamp_micros(s: &str) -> Option<i64> {
    string_to_datetime(&chrono::Utc, s).ok().map(|d| d.timestamp_micros())
}

/// `-?[0-9]{1,18}`; None for anything else.
#[inline]
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i64::from(d);
    }
    Some(if neg { -v } else { v })
}

/// parse_i64 of a field `s` inside `bytes`: 4 to 16 digits are read 8 at a time from
/// the 8 bytes ending where they end (the bytes before a field are the batch's too).
#[inline(always)]
fn parse_i64_in(bytes: &[u8], s: &[u8]) -> Option<i64> {
    let neg = s[0] == b'-';
    let n = s.len() - usize::from(neg);
    let end = s.as_ptr() as usize - bytes.as_ptr() as usize + s.len();
    let v = match n {
        // (A short number is quicker by the byte loop.)
        4..=8 if end >= 8 => digits8(window(bytes, end), n)?,
        9..=16 if end >= 16 => digits8(window(bytes, end - 8), n - 8)? * 100_000_000 + digits8(window(bytes, end), 8)?,
        _ => return parse_i64(s),
    };
    let v = v as i64;
    Some(if neg { -v } else { v })
}

/// The 8 bytes of `bytes` ending at `end` (>= 8), little-endian: the last byte is the top one.
#[inline(always)]
fn window(bytes: &[u8], end: usize) -> u64 {
    u64::from_le_bytes(bytes[end - 8..end].try_into().expect("8 bytes"))
}

/// The value of the ASCII digits in the top `n` (1 to 8) bytes of `w`; None if one of
/// them is not a digit. The bytes below count as leading zeros.
#[inline(always)]
fn digits8(w: u64, n: usize) -> Option<u64> {
    debug_assert!((1..=8).contains(&n));
    let below = if n == 8 { 0 } else { u64::MAX >> (8 * n) };
    let v = (w & !below) | (0x3030_3030_3030_3030 & below);
    // Every byte 0x30..=0x39: its high nibble is 3, and still is after adding 6 (a byte
    // that carries into the next one has a high nibble of F, so fails the first test).
    if (v & 0xF0F0_F0F0_F0F0_F0F0) | ((v.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4) != 0x3333_3333_3333_3333 {
        return None;
    }
    Some(eight_digits(v))
}

/// Eight ASCII digits (the first in the lowest byte) as a number (as core's float
/// parser does it: pairs, then fours, then the eight, by multiplications).
#[inline(always)]
fn eight_digits(v: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 0x000F_4240_0000_0064; // 100 + (1_000_000 << 32)
    const MUL2: u64 = 0x0000_2710_0000_0001; // 1 + (10_000 << 32)
    let v = v - 0x3030_3030_3030_3030;
    let v = v * 10 + (v >> 8);
    let v1 = (v & MASK).wrapping_mul(MUL1);
    let v2 = ((v >> 16) & MASK).wrapping_mul(MUL2);
    u64::from((v1.wrapping_add(v2) >> 32) as u32)
}

const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// `-?[0-9]+(\.[0-9]+)?` with at most 15 digits; None for anything else. The mantissa and
/// the power of ten are exact doubles, so one division gives the correctly rounded value,
/// which is what lexical-core (arrow_cast's float parser) returns too.
#[inline]
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.len() > 16 {
        return None;
    }
    let mut m: u64 = 0;
    let mut i = 0;
    while i < digits.len() {
        let d = digits[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m * 10 + u64::from(d);
        i += 1;
    }
    let int_digits = i;
    if int_digits == 0 {
        return None;
    }
    let mut frac = 0;
    if i < digits.len() {
        if digits[i] != b'.' {
            return None;
        }
        i += 1;
        while i < digits.len() {
            let d = digits[i].wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            m = m * 10 + u64::from(d);
            i += 1;
            frac += 1;
        }
        if frac == 0 {
            return None;
        }
    }
    if int_digits + frac > 15 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

/// parse_f64 of a field `s` inside `bytes`: a field of at most 8 bytes (sign aside) is
/// read as one 8-byte word ending where it ends; the dot is found and squeezed out, and
/// the digits left are read at once.
#[inline(always)]
fn parse_f64_in(bytes: &[u8], s: &[u8]) -> Option<f64> {
    let neg = s[0] == b'-';
    let n = s.len() - usize::from(neg);
    let end = s.as_ptr() as usize - bytes.as_ptr() as usize + s.len();
    if !(1..=8).contains(&n) || end < 8 {
        return parse_f64(s);
    }
    let below = if n == 8 { 0 } else { u64::MAX >> (8 * n) };
    let v = (window(bytes, end) & !below) | (0x3030_3030_3030_3030 & below);
    // The lowest '.' byte (the lowest zero byte of v ^ "........" is found exactly).
    let x = v ^ 0x2E2E_2E2E_2E2E_2E2E;
    let dots = x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080;
    let (m, frac) = if dots == 0 {
        (digits8(v, 8)?, 0)
    } else {
        let p = dots.trailing_zeros() as usize / 8;
        // A digit on each side of the dot.
        if p <= 8 - n || p >= 7 {
            return None;
        }
        let lower = v & ((1u64 << (8 * p)) - 1);
        let upper = v & !((1u64 << (8 * (p + 1))) - 1);
        (digits8(upper | (lower << 8) | 0x30, 8)?, 7 - p)
    };
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

/// Two ASCII digits at `i`.
#[inline(always)]
fn two(b: &[u8], i: usize) -> Option<u32> {
    let (h, l) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
    (h <= 9 && l <= 9).then_some(u32::from(h) * 10 + u32::from(l))
}

/// `YYYY-MM-DD` at the start of `b` (a valid date) as days since 1970-01-01.
#[inline]
fn date_prefix(b: &[u8]) -> Option<i64> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = two(b, 0)? * 100 + two(b, 2)?;
    let (month, day) = (two(b, 5)?, two(b, 8)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// `YYYY-MM-DD` exactly (Date32); None for anything else.
#[cfg(test)]
fn parse_date(s: &[u8]) -> Option<i32> {
    if s.len() != 10 {
        return None;
    }
    date_prefix(s).map(|d| d as i32)
}

/// `YYYY-MM-DD`, or that followed by `T`/`t`/space, `hh:mm:ss`, optionally `.` and 1 to 9
/// digits, optionally a final `Z`/`z`: microseconds since the epoch, as
/// string_to_datetime(&Utc, s).timestamp_micros() gives. None for anything else
/// (offsets, leap seconds, other forms).
#[inline]
fn parse_timestamp_micros(s: &[u8], dates: &mut DateCache) -> Option<i64> {
    let days = dates.days(s)?;
    if s.len() == 10 {
        return Some(days * 86_400_000_000);
    }
    if s.len() < 19 || !matches!(s[10], b'T' | b't' | b' ') || s[13] != b':' || s[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (two(s, 11)?, two(s, 14)?, two(s, 17)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            if i - start == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(s[i] - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits as u32);
    }
    match s.len() - i {
        0 => {}
        1 if matches!(s[i], b'Z' | b'z') => {}
        _ => return None,
    }
    let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(seconds * 1_000_000 + i64::from(nanos / 1000))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date of year 0 to 9999 (H. Hinnant's
/// days_from_civil, on years shifted by 400 so that every quotient is unsigned).
#[inline]
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = year + 400 - u32::from(month <= 2);
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i64::from(era * 146_097 + doe) - 146_097 - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};

    /// xorshift64*: deterministic test data without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn digits(&mut self, n: usize) -> String {
            (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
        }
    }

    #[test]
    fn integers_match_arrow() {
        let mut rng = Rng(1);
        for _ in 0..200_000 {
            let sign = if rng.below(2) == 0 { "-" } else { "" };
            let n = 1 + rng.below(18) as usize;
            let s = format!("{sign}{}", rng.digits(n));
            assert_eq!(parse_i64(s.as_bytes()), Int64Type::parse(&s), "{s}");
        }
        for s in ["0", "-0", "000", "999999999999999999", "-999999999999999999"] {
            assert_eq!(parse_i64(s.as_bytes()), Int64Type::parse(s), "{s}");
        }
        for s in ["", "-", "+5", " 5", "5 ", "1.0", "1e3", "9223372036854775807", "--5", "0x10"] {
            assert_eq!(parse_i64(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn floats_match_arrow() {
        let mut rng = Rng(2);
        for _ in 0..500_000 {
            let int = 1 + rng.below(15) as usize;
            let frac = rng.below(16 - int as u64) as usize;
            let sign = if rng.below(2) == 0 { "-" } else { "" };
            let s = if frac == 0 { format!("{sign}{}", rng.digits(int)) } else { format!("{sign}{}.{}", rng.digits(int), rng.digits(frac)) };
            let ours = parse_f64(s.as_bytes()).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(ours.to_bits(), Float64Type::parse(&s).unwrap().to_bits(), "{s}");
        }
        for s in ["0", "-0", "0.0", "-0.00", "0.1", "0.2", "0.3", "2.675", "1.005", "999999999999999", "0.00000000000001", "-9.99"] {
            assert_eq!(parse_f64(s.as_bytes()).unwrap().to_bits(), Float64Type::parse(s).unwrap().to_bits(), "{s}");
        }
        for s in ["", "-", ".5", "5.", "+1", "1e5", "NaN", "inf", " 1", "1 ", "1234567890123456", "1.234567890123456", "1..2", "1.2.3", "0x1"] {
            assert_eq!(parse_f64(s.as_bytes()), None, "{s}");
        }
    }

    /// The word-at-a-time parsers give what the byte loops give, whatever precedes the field.
    #[test]
    fn word_parsers_match_byte_loops() {
        let mut rng = Rng(6);
        let context = b"0123456789.,-\n ab\r";
        let chars = b"0123456789012345678901234567890123456789.-e+ x";
        for i in 0..400_000 {
            let mut buf: Vec<u8> = (0..rng.below(20)).map(|_| context[rng.below(context.len() as u64) as usize]).collect();
            let start = buf.len();
            let len = 1 + rng.below(if i % 2 == 0 { 10 } else { 19 }) as usize;
            if i % 3 == 0 {
                // Well-formed numbers most of the time.
                let int = 1 + rng.below(len as u64) as usize;
                let frac = rng.below(4) as usize;
                if rng.below(3) == 0 {
                    buf.push(b'-');
                }
                buf.extend(rng.digits(int).bytes());
                if frac > 0 {
                    buf.push(b'.');
                    buf.extend(rng.digits(frac).bytes());
                }
            } else {
                buf.extend((0..len).map(|_| chars[rng.below(chars.len() as u64) as usize]));
            }
            let field = &buf[start..];
            assert_eq!(parse_i64_in(&buf, field), parse_i64(field), "{:?}", String::from_utf8_lossy(field));
            assert_eq!(
                parse_f64_in(&buf, field).map(f64::to_bits),
                parse_f64(field).map(f64::to_bits),
                "{:?}",
                String::from_utf8_lossy(field)
            );
        }
        for n in 1..=8 {
            for _ in 0..10_000 {
                let text = rng.digits(n);
                let mut w = [b'x'; 8];
                w[8 - n..].copy_from_slice(text.as_bytes());
                assert_eq!(digits8(u64::from_le_bytes(w), n), Some(text.parse().unwrap()), "{text}");
            }
        }
    }

    #[test]
    fn civil_days_match_chrono() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut d = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        while d <= last {
            let s = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            let days = (d - epoch).num_days();
            assert_eq!(date_prefix(s.as_bytes()), Some(days), "{s}");
            d = d.succ_opt().unwrap();
        }
        for y in [1900, 2000, 2023, 2024, 0, 100, 400] {
            for m in 1..=12 {
                for day in 0..=32 {
                    let s = format!("{y:04}-{m:02}-{day:02}");
                    assert_eq!(parse_date(s.as_bytes()), NaiveDate::from_ymd_opt(y, m, day).map(|_| Date32Type::parse(&s).unwrap()), "{s}");
                }
            }
        }
        for s in ["2024-13-01", "2024-00-01", "2024-1-05", "20240105", "2024/01/05", " 2024-01-05", "2024-01-05 ", "2024-01-05T00:00:00"] {
            assert_eq!(parse_date(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn timestamps_match_arrow() {
        let mut rng = Rng(3);
        let reference = |s: &str| timestamp_micros(s);
        let mut shared = DateCache::default();
        for _ in 0..300_000 {
            // Runs of one day, as in a file sorted by time.
            let (y, mo) = if rng.below(4) == 0 { (2026, 1) } else { (rng.below(10_000), 1 + rng.below(12)) };
            let d = 1 + rng.below(31);
            let (h, mi, sec) = (rng.below(24), rng.below(60), rng.below(60));
            let sep = ["T", "t", " "][rng.below(3) as usize];
            let frac = match rng.below(11) {
                0 => String::new(),
                n => {
                    let n = n as usize - 1 + usize::from(n == 10);
                    format!(".{}", rng.digits(n))
                }
            };
            let zone = ["", "Z", "z"][rng.below(3) as usize];
            let s = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{sec:02}{frac}{zone}");
            let ours = parse_timestamp_micros(s.as_bytes(), &mut DateCache::default());
            // Ours is None only for an invalid day, "." with no digits or more than 9
            // digits (all left to string_to_datetime).
            match ours {
                Some(v) => assert_eq!(Some(v), reference(&s), "{s}"),
                None => assert!(frac == "." || frac.len() > 10 || NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32).is_none(), "{s}"),
            }
            // The same through a cache shared by every value (as a column uses it).
            assert_eq!(parse_timestamp_micros(s.as_bytes(), &mut shared), ours, "{s}");
            let date = &s[..10];
            assert_eq!(parse_timestamp_micros(date.as_bytes(), &mut DateCache::default()).or_else(|| reference(date)), reference(date), "{date}");
        }
        for s in [
            "2026-01-01T00:00:15.123Z", "1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.9999999Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999z", "2024-02-29 12:00:00", "1970-01-01T00:00:00.000001",
        ] {
            assert_eq!(parse_timestamp_micros(s.as_bytes(), &mut DateCache::default()), reference(s), "{s}");
            assert!(reference(s).is_some());
        }
        // Left to string_to_datetime.
        for s in [
            "2016-12-31T23:59:60Z", "2026-01-01T00:00:15+05:30", "2026-01-01T00:00:15 +0000", "2026-01-01T00:00:15.1234567891Z",
            "2026-01-01T000015", "2026-01-01T00:00:15.Z", "2026-01-01T00:00:15ZZ", "2026-01-01X00:00:15", "2026-01-01T24:00:00",
            "2026-01-01T00:60:00", "2026-02-30T00:00:00", "2026-01-01T00:00", " 2026-01-01T00:00:00",
        ] {
            assert_eq!(parse_timestamp_micros(s.as_bytes(), &mut DateCache::default()), None, "{s}");
        }
    }

    #[test]
    fn booleans() {
        for (s, v) in [("true", Some(true)), ("TRUE", Some(true)), ("tRuE", Some(true)), ("false", Some(false)), ("False", Some(false))] {
            assert_eq!(parse_bool(s.as_bytes()), v);
        }
        for s in ["", "1", "0", "t", "f", "yes", " true", "true ", "tru", "fals"] {
            assert_eq!(parse_bool(s.as_bytes()), None, "{s}");
        }
        // arrow-csv's rule, for every byte in every position of "true" and "false".
        let reference = |s: &[u8]| {
            if s.eq_ignore_ascii_case(b"false") {
                Some(false)
            } else if s.eq_ignore_ascii_case(b"true") {
                Some(true)
            } else {
                None
            }
        };
        for word in [&b"true"[..], b"false", b"TRUE", b"FALSE"] {
            for i in 0..word.len() {
                for b in 0..=255u8 {
                    let mut w = word.to_vec();
                    w[i] = b;
                    assert_eq!(parse_bool(&w), reference(&w), "{w:?}");
                }
            }
        }
    }

    /// The SIMD masks against a byte-by-byte count.
    #[test]
    fn masks_match_bytes() {
        let mut rng = Rng(4);
        let alphabet = b",;\n\r\"a0\x80\xff\t ";
        for _ in 0..20_000 {
            let mut block = [0u8; BLOCK];
            for b in block.iter_mut() {
                *b = alphabet[rng.below(alphabet.len() as u64) as usize];
            }
            let delimiter = [b',', b';', b'\t', b' '][rng.below(4) as usize];
            let m = masks(&block, delimiter);
            let (quote, high) = special_masks(&block);
            for (i, &b) in block.iter().enumerate() {
                assert_eq!(m.delimiter >> i & 1 == 1, b == delimiter);
                assert_eq!(m.newline >> i & 1 == 1, b == b'\n');
                assert_eq!(m.cr >> i & 1 == 1, b == b'\r');
                assert_eq!(m.special >> i & 1 == 1, b == b'"' || b >= 0x80);
                assert_eq!(quote >> i & 1 == 1, b == b'"');
                assert_eq!(high >> i & 1 == 1, b >= 0x80);
            }
        }
    }

    /// Scans `bytes` in pieces of `step` bytes (as a growing buffer would pass them).
    fn scan_all(bytes: &[u8], ncol: usize, target: usize, step: usize) -> (Step, Vec<u32>) {
        let mut scanner = Scanner::new(b',', ncol);
        scanner.reset(target);
        let mut have = step.min(bytes.len());
        loop {
            match scanner.scan(&bytes[..have], have == bytes.len()) {
                Step::More => have = (have + step).min(bytes.len()),
                step => return (step, scanner.seps().to_vec()),
            }
        }
    }

    #[test]
    fn scanner_finds_rows() {
        let mut rng = Rng(5);
        for _ in 0..3_000 {
            let ncol = 1 + rng.below(5) as usize;
            let rows = rng.below(40) as usize;
            let crlf = rng.below(2) == 0;
            let mut text = Vec::new();
            let mut expected = vec![u32::MAX];
            for _ in 0..rows {
                for c in 0..ncol {
                    let len = rng.below(12) as usize + usize::from(ncol == 1);
                    text.extend((0..len).map(|_| b"abc019 .-"[rng.below(9) as usize]));
                    if c + 1 < ncol {
                        expected.push(text.len() as u32);
                        text.push(b',');
                    }
                }
                if crlf {
                    text.push(b'\r');
                }
                expected.push(text.len() as u32);
                text.push(b'\n');
            }
            let final_newline = rng.below(4) != 0;
            if !final_newline && rows > 0 {
                text.pop();
                if crlf {
                    text.pop();
                }
                *expected.last_mut().unwrap() = text.len() as u32;
            }
            let target = 1 + rng.below(50) as usize;
            let step = 1 + rng.below(100) as usize;
            let (step_result, seps) = scan_all(&text, ncol, target, step);
            let want_rows = rows.min(target);
            let len = if want_rows == rows { text.len() } else { expected[want_rows * ncol] as usize + 1 };
            assert_eq!(step_result, Step::Done { rows: want_rows, len }, "{:?}", String::from_utf8_lossy(&text));
            assert_eq!(seps, expected[..1 + want_rows * ncol], "{:?}", String::from_utf8_lossy(&text));
        }
    }

    #[test]
    fn scanner_falls_back() {
        for (text, ncol) in [
            (&b"a,b\nc\"d,e\n"[..], 2),
            (b"a,b\nc,d,e\n", 2),
            (b"a,b\nc\n", 2),
            (b"a,b\n\nc,d\n", 2),
            (b"a\n\nb\n", 1),
            (b"a\n\r\nb\n", 1),
            (b"a,b\rc,d\n", 2),
            (b"a,b\r", 2),
            (b"a,b\r\r\n", 2),
        ] {
            for step in [1, 3, 64, 100] {
                assert_eq!(scan_all(text, ncol, 10, step).0, Step::Fallback, "{:?} step {step}", String::from_utf8_lossy(text));
            }
        }
        // A CR right at a block's end, then LF: fine; then anything else: not.
        let mut text = vec![b'a'; 63];
        text.extend_from_slice(b"\r\nb\n");
        assert_eq!(scan_all(&text, 1, 10, 64).0, Step::Done { rows: 2, len: text.len() });
        text[64] = b'x';
        assert_eq!(scan_all(&text, 1, 10, 64).0, Step::Fallback);
        // Bytes >= 0x80 are noted, not refused.
        let mut scanner = Scanner::new(b',', 2);
        scanner.reset(5);
        assert_eq!(scanner.scan("é,ü\n".as_bytes(), true), Step::Done { rows: 1, len: 6 });
        assert!(scanner.non_ascii);
    }
}

#[cfg(test)]
mod bench {
    //! `CSV_BENCH_FILE=orders.csv cargo test --release -p csv-reader fast::bench -- --ignored --nocapture`:
    //! native time of the scan and of each column of the orders benchmark file.
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    #[ignore]
    fn orders_columns() {
        let Ok(path) = std::env::var("CSV_BENCH_FILE") else { return };
        let data = std::fs::read(path).unwrap();
        let body = &data[data.iter().position(|&b| b == b'\n').unwrap() + 1..];
        let kinds = [Kind::Int64, Kind::Utf8, Kind::Utf8, Kind::Int64, Kind::Float64, Kind::Timestamp, Kind::Boolean, Kind::Utf8];
        for _ in 0..3 {
            let mut scanner = Scanner::new(b',', 8);
            let (mut scan, mut cols) = (Duration::ZERO, [Duration::ZERO; 8]);
            let mut at = 0;
            while at < body.len() {
                let t = Instant::now();
                scanner.reset(32_768);
                let Step::Done { rows, len } = scanner.scan(&body[at..], true) else { panic!() };
                scan += t.elapsed();
                for (c, kind) in kinds.iter().enumerate() {
                    let t = Instant::now();
                    decode_columns(&body[at..at + len], scanner.seps(), rows, 8, &[(c, *kind)]).unwrap();
                    cols[c] += t.elapsed();
                }
                at += len;
            }
            let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
            println!("scan {}  columns {:?}  total {}", ms(scan), cols.map(ms), ms(scan + cols.iter().sum::<Duration>()));
        }
    }
}
