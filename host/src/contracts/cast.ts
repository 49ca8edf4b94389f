/**
 * Lossless casts of one column to its contract type, column-wise over the Arrow buffers.
 *
 * Allowed (everything else is a type mismatch for the whole column):
 *   Int8/16/32, Uint8/16/32 -> Int64, Int32 (when in range), Float64
 *   Int64, Uint64           -> Int64/Int32 when every value is in range, Float64 when |v| <= 2^53
 *   Float32                 -> Float64            (Float -> integer is never cast, even for 3.0)
 *   Utf8 (also LargeUtf8, Utf8View, Dictionary<Utf8>) -> Utf8, and -> Date32 / Timestamp when
 *                              the text is ISO-8601 (see iso-time.ts), -> Int64 / Int32 / Float64 /
 *                              Bool when the text is a number or true/false (see cast-text.ts)
 *   Timestamp(any unit, any or no timezone) -> Timestamp(MICROSECOND, UTC): timestamps are UTC
 *                              instants in Arrow; a timestamp without timezone is taken as UTC;
 *                              nanoseconds must be whole microseconds
 *   Date32, Date64          -> Timestamp; Date64 -> Date32 when at midnight
 *   Struct, List, Map       -> Utf8 JSON text, for contract fields of logicalType object/array
 *   Utf8, integers, Decimal128, Float64 -> Decimal128(p, s), exactly; Decimal128 -> Utf8 (its
 *                              text) and -> Float64 (<= 15 digits); LargeBinary, BinaryView,
 *                              FixedSizeBinary -> Binary (see cast-decimal.ts)
 *   Null                    -> any type (all null)
 * A value that cannot be cast (text that is not a date, an out-of-range integer) makes that row
 * invalid and becomes null; the caller reports it.
 */
import * as arrow from 'apache-arrow';
import { sameType } from './arrow-types.js';
import { clearBit, copyValidity, fixedColumn, nullColumn, readI64, utf8Column, words32, writeI64 } from './columns.js';
import { fromDecimal, toBinary, toDecimal } from './cast-decimal.js';
import { isDecimal128 } from './decimal.js';
import { textToBool, textToFloat, textToInt } from './cast-text.js';
import { parseIsoDate, parseIsoTimestamp, parseIsoTimestampBig } from './iso-time.js';

export interface CastResult {
  data: arrow.Data;
  /** Batch indices of non-null values that could not be cast; they are null in `data`. */
  badRows: number[];
  /** The offending value of a bad row, for messages: `Utf8 "yesterday"`, `Int64 3000000000`. */
  badValue: (row: number) => string;
  /** The offending value as plain text (`yesterday`, `3000000000`), for a rejected row's `_value`. */
  badText: (row: number) => string;
}

/** Casts `src` to `target`, or returns undefined when the types are not castable at all. */
export function castColumn(src: arrow.Data, target: arrow.DataType, jsonText: boolean): CastResult | undefined {
  if (sameType(src.type, target)) return ok(src.type === target ? src : src.clone(target));
  if (src.typeId === arrow.Type.Null) return ok(nullColumn(target, src.length));
  const text = asUtf8(src);
  if (text !== undefined && arrow.DataType.isUtf8(target)) return ok(text.clone(target));
  const bad = new BadRows(text ?? src);
  let data: arrow.Data | undefined;
  if (isDecimal128(src.type) && !arrow.DataType.isDecimal(target)) data = fromDecimal(src, target, bad);
  else if (text !== undefined && arrow.DataType.isInt(target)) data = textToInt(text, target, bad);
  else if (text !== undefined && arrow.DataType.isFloat(target)) data = textToFloat(text, target, bad);
  else if (text !== undefined && arrow.DataType.isBool(target)) data = textToBool(text, target, bad);
  else if (arrow.DataType.isInt(target)) data = toInt(src, target, bad);
  else if (arrow.DataType.isFloat(target)) data = toFloat64(src, target, bad);
  else if (arrow.DataType.isDate(target) && target.unit === arrow.DateUnit.DAY) data = toDateDay(text ?? src, target as arrow.DateDay, bad);
  else if (arrow.DataType.isTimestamp(target)) data = toTimestamp(text ?? src, target, bad);
  else if (arrow.DataType.isUtf8(target) && jsonText) data = toJsonText(src, target);
  else if (arrow.DataType.isDecimal(target)) data = toDecimal(text ?? src, target, bad);
  else if (arrow.DataType.isBinary(target)) data = toBinary(src, target);
  return data === undefined ? undefined : { data, badRows: bad.rows, badValue: (i) => bad.describe(i), badText: (i) => bad.text(i) };
}

const ok = (data: arrow.Data): CastResult => ({ data, badRows: [], badValue: () => '', badText: () => '' });

class BadRows {
  readonly rows: number[] = [];
  private vector: arrow.Vector | undefined;
  constructor(private readonly src: arrow.Data) {}
  add(validity: Uint8Array, i: number): void {
    clearBit(validity, i);
    this.rows.push(i);
  }
  text(i: number): string {
    this.vector ??= arrow.makeVector(this.src);
    return String(this.vector.get(i));
  }
  describe(i: number): string {
    this.vector ??= arrow.makeVector(this.src);
    const v: unknown = this.vector.get(i);
    const shown = typeof v === 'string' ? JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v) : String(v);
    return `${String(this.src.type)} ${shown}`;
  }
}

/** Any string-like column as plain Utf8 data, or undefined when it is not text. */
function asUtf8(src: arrow.Data): arrow.Data<arrow.Utf8> | undefined {
  const t = src.type;
  if (arrow.DataType.isUtf8(t)) return src as arrow.Data<arrow.Utf8>;
  const stringy =
    arrow.DataType.isLargeUtf8(t) ||
    arrow.DataType.isUtf8View(t) ||
    (arrow.DataType.isDictionary(t) && (arrow.DataType.isUtf8(t.dictionary) || arrow.DataType.isLargeUtf8(t.dictionary)));
  if (!stringy) return undefined;
  const v = arrow.makeVector(src);
  const values = new Array<string | null>(src.length);
  for (let i = 0; i < src.length; i++) values[i] = (v.get(i) as string | null) ?? null;
  return utf8Column(values);
}

const SMALL_INT = (t: arrow.Int): boolean => t.bitWidth < 32 || (t.bitWidth === 32 && t.isSigned);

function toInt(src: arrow.Data, target: arrow.Int, bad: BadRows): arrow.Data | undefined {
  const t = src.type;
  if (!arrow.DataType.isInt(t)) return undefined;
  const n = src.length;
  const validity = copyValidity(src);
  const valid = (i: number): boolean => (validity[i >> 3]! & (1 << (i & 7))) !== 0;
  if (target.bitWidth === 64) {
    const out = new BigInt64Array(n);
    const w = words32(out);
    if (t.bitWidth <= 32) {
      const v = src.values as ArrayLike<number>;
      for (let i = 0; i < n; i++) {
        const x = v[i]!;
        w[2 * i] = x | 0;
        w[2 * i + 1] = x < 0 ? -1 : 0;
      }
    } else {
      // Uint64 -> Int64: the top bit must be clear.
      const sw = words32(src.values as BigUint64Array);
      for (let i = 0; i < n; i++) {
        w[2 * i] = sw[2 * i]!;
        w[2 * i + 1] = sw[2 * i + 1]!;
        if (sw[2 * i + 1]! < 0 && valid(i)) bad.add(validity, i);
      }
    }
    return fixedColumn(target, out, validity, n);
  }
  // target Int32
  const out = new Int32Array(n);
  if (SMALL_INT(t)) {
    out.set((src.values as Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array).subarray(0, n));
  } else if (t.bitWidth === 32) {
    const v = src.values as Uint32Array;
    for (let i = 0; i < n; i++) {
      out[i] = v[i]! | 0;
      if (v[i]! > 0x7fffffff && valid(i)) bad.add(validity, i);
    }
  } else {
    const sw = words32(src.values as BigInt64Array);
    for (let i = 0; i < n; i++) {
      const lo = sw[2 * i]!;
      const hi = sw[2 * i + 1]!;
      out[i] = lo;
      const fits = t.isSigned ? hi === lo >> 31 : hi === 0 && lo >= 0;
      if (!fits && valid(i)) bad.add(validity, i);
    }
  }
  return fixedColumn(target, out, validity, n);
}

function toFloat64(src: arrow.Data, target: arrow.Float, bad: BadRows): arrow.Data | undefined {
  const t = src.type;
  if (target.precision !== arrow.Precision.DOUBLE) return undefined;
  const n = src.length;
  const validity = copyValidity(src);
  const out = new Float64Array(n);
  if (arrow.DataType.isFloat(t) && t.precision === arrow.Precision.SINGLE) {
    out.set((src.values as Float32Array).subarray(0, n));
  } else if (arrow.DataType.isInt(t) && t.bitWidth <= 32) {
    out.set((src.values as Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array).subarray(0, n));
  } else if (arrow.DataType.isInt(t)) {
    const sw = words32(src.values as BigInt64Array);
    for (let i = 0; i < n; i++) {
      const hi = sw[2 * i + 1]!;
      const inRange = t.isSigned ? hi >= -0x200000 && hi < 0x200000 : hi >= 0 && hi < 0x200000;
      out[i] = t.isSigned || hi >= 0 ? readI64(sw, i) : NaN;
      if (!inRange && (validity[i >> 3]! & (1 << (i & 7))) !== 0) bad.add(validity, i);
    }
  } else return undefined;
  return fixedColumn(target, out, validity, n);
}

function toDateDay(src: arrow.Data, target: arrow.DateDay, bad: BadRows): arrow.Data | undefined {
  const n = src.length;
  if (arrow.DataType.isUtf8(src.type)) {
    const validity = copyValidity(src);
    const out = new Int32Array(n);
    const bytes = src.values as Uint8Array;
    const offs = src.valueOffsets as Int32Array;
    for (let i = 0; i < n; i++) {
      if ((validity[i >> 3]! & (1 << (i & 7))) === 0) continue;
      const d = parseIsoDate(bytes, offs[i]!, offs[i + 1]!);
      if (Number.isNaN(d)) bad.add(validity, i);
      else out[i] = d;
    }
    return fixedColumn(target, out, validity, n);
  }
  if (arrow.DataType.isDate(src.type) && src.type.unit === arrow.DateUnit.MILLISECOND) {
    const validity = copyValidity(src);
    const out = new Int32Array(n);
    const sw = words32(src.values as BigInt64Array);
    for (let i = 0; i < n; i++) {
      const ms = readI64(sw, i);
      if (ms % 86_400_000 === 0) out[i] = ms / 86_400_000;
      else if ((validity[i >> 3]! & (1 << (i & 7))) !== 0) bad.add(validity, i);
    }
    return fixedColumn(target, out, validity, n);
  }
  return undefined;
}

const MICROS_PER: Record<number, number> = {
  [arrow.TimeUnit.SECOND]: 1_000_000,
  [arrow.TimeUnit.MILLISECOND]: 1_000,
  [arrow.TimeUnit.MICROSECOND]: 1,
};

function toTimestamp(src: arrow.Data, target: arrow.Timestamp, bad: BadRows): arrow.Data | undefined {
  const t = src.type;
  const n = src.length;
  const validity = copyValidity(src);
  const valid = (i: number): boolean => (validity[i >> 3]! & (1 << (i & 7))) !== 0;
  const out = new BigInt64Array(n);
  const w = words32(out);
  if (arrow.DataType.isUtf8(t)) {
    const bytes = src.values as Uint8Array;
    const offs = src.valueOffsets as Int32Array;
    for (let i = 0; i < n; i++) {
      if (!valid(i)) continue;
      const us = parseIsoTimestamp(bytes, offs[i]!, offs[i + 1]!);
      if (!Number.isNaN(us)) writeI64(w, i, us);
      else {
        const big = parseIsoTimestampBig(bytes, offs[i]!, offs[i + 1]!);
        if (big === undefined) bad.add(validity, i);
        else out[i] = big;
      }
    }
  } else if (arrow.DataType.isTimestamp(t) || arrow.DataType.isDate(t)) {
    const isDay = arrow.DataType.isDate(t) && t.unit === arrow.DateUnit.DAY;
    const mul = arrow.DataType.isDate(t) ? (isDay ? 86_400_000_000 : 1_000) : (MICROS_PER[t.unit] ?? 0);
    const div = arrow.DataType.isTimestamp(t) && t.unit === arrow.TimeUnit.NANOSECOND ? 1_000 : 1;
    const days = isDay ? (src.values as Int32Array) : undefined;
    const srcBig = isDay ? undefined : (src.values as BigInt64Array);
    const sw = srcBig ? words32(srcBig) : undefined;
    for (let i = 0; i < n; i++) {
      const v = days ? days[i]! : readI64(sw!, i);
      const fast = div === 1 ? v * mul : v / div;
      if (Number.isSafeInteger(v) && Number.isSafeInteger(fast)) {
        writeI64(w, i, fast);
        continue;
      }
      if (!valid(i)) continue;
      const bv = days ? BigInt(days[i]!) : srcBig![i]!;
      if (div !== 1 && bv % 1_000n !== 0n) bad.add(validity, i);
      else out[i] = div === 1 ? bv * BigInt(mul) : bv / 1_000n;
    }
  } else return undefined;
  return fixedColumn(target, out, validity, n);
}

/** Nested values (struct, list, map) as JSON text, for contract fields of logicalType object/array. */
function toJsonText(src: arrow.Data, target: arrow.Utf8): arrow.Data | undefined {
  const nested =
    arrow.DataType.isStruct(src.type) ||
    arrow.DataType.isList(src.type) ||
    arrow.DataType.isFixedSizeList(src.type) ||
    arrow.DataType.isLargeList(src.type) ||
    arrow.DataType.isMap(src.type);
  if (!nested) return undefined;
  const v = arrow.makeVector(src);
  const values = new Array<string | null>(src.length);
  for (let i = 0; i < src.length; i++) {
    const x: unknown = v.get(i);
    values[i] = x === null || x === undefined ? null : JSON.stringify(x, (_k, val: unknown) => (typeof val === 'bigint' ? jsonBigint(val) : val));
  }
  return utf8Column(values).clone(target);
}

const jsonBigint = (v: bigint): number | string => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());
