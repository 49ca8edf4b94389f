/**
 * JSON Lines (one JSON object per line) -> an Arrow record batch in a contract object's schema,
 * for plugins that send the easy encoding.
 *
 * Values must have the JSON type the record's JSON Schema (ContractObject.jsonSchema) asks for:
 * integer -> a JSON integer (|v| <= 2^53), number -> a number, boolean -> true/false, string -> a
 * string, date -> "YYYY-MM-DD", date+timestamp -> ISO-8601 text, object/array -> any JSON value
 * (stored as JSON text), Decimal128 -> decimal text ("12345678901234567.89", exact) or a JSON
 * number of at most 15 significant digits, Binary -> base64 text. A missing key or null is a null (validateBatch then checks required
 * fields): JSON Lines records are sparse. Keys the contract does not declare come after its
 * columns as text (JSON text unless a string), so the host's schema check sees them and
 * `extra_columns` decides (pipeline/schema-conformance.ts). A line that is not a JSON object throws
 * DataValidationError naming the line; so does a value of the wrong type, unless `invalidValues`
 * is 'null': then it is null in the batch and validateBatch fails its row with rule `type`
 * (decode-failures.ts), so warn mode keeps the run going.
 */
import * as arrow from 'apache-arrow';
import { describeType } from './arrow-types.js';
import { castColumn } from './cast.js';
import { countNulls, paddedBytes, setBit, utf8Column, words32, writeI64 } from './columns.js';
import { significantDigits } from './decimal.js';
import { recordDecodeFailures, type DecodeFailure } from './decode-failures.js';
import { DataValidationError, type ValidationIssue } from './errors.js';
import type { ContractField, ContractObject } from './model.js';

export interface JsonLinesOptions {
  /** Named in errors; defaults to the contract object's name. */
  stream?: string;
  /** Rows of the stream before this batch, for absolute row numbers in errors. */
  rowOffset?: number;
  /** A value of the wrong JSON type: 'throw' (default), or 'null' and report it through validateBatch. */
  invalidValues?: 'throw' | 'null';
}

interface Ctx {
  stream: string;
  rowOffset: number;
  /** 1-based line number of each record. */
  lines: number[];
  /** Set when invalid values become null instead of throwing. */
  failures?: Map<string, DecodeFailure[]>;
}

export function jsonLinesToBatch(bytes: Uint8Array, object: ContractObject, opts: JsonLinesOptions = {}): arrow.RecordBatch {
  const stream = opts.stream ?? object.name;
  const text = decodeUtf8(bytes, stream);
  const records: Record<string, unknown>[] = [];
  const lines: number[] = [];
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw corrupt(stream, lineNo, `invalid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw corrupt(stream, lineNo, `JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
    }
    records.push(value as Record<string, unknown>);
    lines.push(lineNo);
  }
  const ctx: Ctx = { stream, rowOffset: opts.rowOffset ?? 0, lines };
  if (opts.invalidValues === 'null') ctx.failures = new Map();
  const n = records.length;
  const children = object.fields.map((f) => {
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) values[i] = records[i]![f.name];
    return buildColumn(values, f, ctx);
  });
  const { schema, extras } = withExtraKeys(object, records);
  children.push(...extras);
  const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children }));
  if (ctx.failures) recordDecodeFailures(batch, ctx.failures);
  return batch;
}

/** The contract's schema plus a Utf8 column per key it does not declare (in first-seen order). */
function withExtraKeys(object: ContractObject, records: Record<string, unknown>[]): { schema: arrow.Schema; extras: arrow.Data[] } {
  const declared = new Set(object.fields.map((f) => f.name));
  const extra: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    for (const k in r) {
      if (!declared.has(k) && !seen.has(k)) {
        seen.add(k);
        extra.push(k);
      }
    }
  }
  if (extra.length === 0) return { schema: object.arrowSchema, extras: [] };
  const text = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  const extras = extra.map((k) => utf8Column(records.map((r) => text(r[k]))));
  const fields = [...object.arrowSchema.fields, ...extra.map((k) => new arrow.Field(k, new arrow.Utf8(), true))];
  return { schema: new arrow.Schema(fields, object.arrowSchema.metadata), extras };
}

function decodeUtf8(bytes: Uint8Array, stream: string): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // Find the offending line (slow path, only on error).
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 10) {
        try {
          decoder.decode(bytes.subarray(start, i));
        } catch {
          break;
        }
        line++;
        start = i + 1;
      }
    }
    throw corrupt(stream, line, 'bytes that are not valid UTF-8');
  }
}

const corrupt = (stream: string, line: number, actual: string): DataValidationError =>
  new DataValidationError([{ kind: 'corrupt-line', stream, row: line, field: '', expected: 'a JSON object', actual }]);

/** A value of the wrong type: throws, or (invalidValues: 'null') records it for validateBatch. */
function reject(ctx: Ctx, i: number, f: ContractField, expected: string, value: unknown): void {
  const shown = JSON.stringify(value) ?? String(value);
  const actual = `JSON ${Array.isArray(value) ? 'array' : typeof value} ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown} (line ${ctx.lines[i]})`;
  if (ctx.failures) {
    let list = ctx.failures.get(f.name);
    if (list === undefined) ctx.failures.set(f.name, (list = []));
    list.push({ index: i, expected, actual, text: typeof value === 'string' ? value : shown });
    return;
  }
  const issue: ValidationIssue = { kind: 'type-mismatch', stream: ctx.stream, row: ctx.rowOffset + i, field: f.name, expected, actual };
  throw new DataValidationError([issue]);
}

function buildColumn(values: unknown[], f: ContractField, ctx: Ctx): arrow.Data {
  const n = values.length;
  const type = f.arrowType;
  if (arrow.DataType.isStruct(type) || arrow.DataType.isList(type)) {
    // Not built from JSON values: a wrong nested type would need its own checks (nested-types.ts).
    const expected = `${describeType(type)} (nested columns come only in Arrow IPC batches, not JSON Lines)`;
    throw new DataValidationError([{ kind: 'type-mismatch', stream: ctx.stream, row: ctx.rowOffset, field: f.name, expected, actual: 'JSON Lines' }]);
  }
  if (f.logicalType === 'object' || f.logicalType === 'array') {
    return utf8Column(values.map((v) => (v === null || v === undefined ? null : JSON.stringify(v)))).clone(type);
  }
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isDate(type) || arrow.DataType.isTimestamp(type)) {
    const strings = values.map((v, i) => {
      if (v === null || v === undefined) return null;
      if (typeof v === 'string') return v;
      reject(ctx, i, f, `a JSON string (${describeType(type)})`, v);
      return null;
    });
    const text = utf8Column(strings);
    if (arrow.DataType.isUtf8(type)) return text.clone(type);
    const cast = castColumn(text, type, false)!;
    const expected = arrow.DataType.isDate(type) ? 'an ISO-8601 date (YYYY-MM-DD)' : 'an ISO-8601 timestamp';
    for (const bad of cast.badRows) reject(ctx, bad, f, expected, values[bad]);
    return cast.data;
  }
  const validity = new Uint8Array(paddedBytes(n));
  if (arrow.DataType.isBool(type)) {
    const bits = new Uint8Array(paddedBytes(n));
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      if (typeof v !== 'boolean') {
        reject(ctx, i, f, 'a JSON boolean', v);
        continue;
      }
      setBit(validity, i);
      if (v) setBit(bits, i);
    }
    return arrow.makeData({ type, length: n, nullCount: countNulls(validity, n), nullBitmap: validity, data: bits });
  }
  if (arrow.DataType.isFloat(type)) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number') {
        reject(ctx, i, f, 'a JSON number', v);
        continue;
      }
      setBit(validity, i);
      out[i] = v;
    }
    return arrow.makeData({ type, length: n, nullCount: countNulls(validity, n), nullBitmap: validity, data: out });
  }
  if (arrow.DataType.isInt(type)) {
    const wide = type.bitWidth === 64;
    const out64 = wide ? new BigInt64Array(n) : undefined;
    const w = out64 ? words32(out64) : undefined;
    const out32 = wide ? undefined : new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      const fits = typeof v === 'number' && Number.isSafeInteger(v) && (wide || (v >= -0x80000000 && v <= 0x7fffffff));
      if (!fits) {
        reject(ctx, i, f, `a JSON integer (${describeType(type)}${wide ? ', |v| <= 2^53' : ''})`, v);
        continue;
      }
      setBit(validity, i);
      if (w) writeI64(w, i, v);
      else out32![i] = v;
    }
    return arrow.makeData({ type, length: n, nullCount: countNulls(validity, n), nullBitmap: validity, data: (out64 ?? out32)! } as never);
  }
  if (arrow.DataType.isDecimal(type)) return decimalColumn(values, f, type, ctx);
  if (arrow.DataType.isBinary(type)) return base64Column(values, f, type, ctx);
  throw new TypeError(`no JSON Lines decoder for Arrow type ${String(type)}`);
}

/** Decimal text, or a number whose shortest text is exactly what was written (<= 15 digits). */
function decimalColumn(values: unknown[], f: ContractField, type: arrow.Decimal, ctx: Ctx): arrow.Data {
  const expected = `decimal text or a JSON number of at most 15 significant digits (${describeType(type)})`;
  const text = values.map((v, i) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && (Number.isSafeInteger(v) || significantDigits(String(v)) <= 15)) return String(v);
    reject(ctx, i, f, expected, v);
    return null;
  });
  const cast = castColumn(utf8Column(text), type, false)!;
  for (const bad of cast.badRows) reject(ctx, bad, f, `${expected}, exact at scale ${type.scale}`, values[bad]);
  return cast.data;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64Column(values: unknown[], f: ContractField, type: arrow.Binary, ctx: Ctx): arrow.Data {
  const n = values.length;
  const validity = new Uint8Array(paddedBytes(n));
  const offsets = new Int32Array(n + 1);
  const parts: Buffer[] = [];
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      if (typeof v === 'string' && BASE64.test(v)) {
        const b = Buffer.from(v, 'base64');
        parts.push(b);
        pos += b.length;
        setBit(validity, i);
      } else reject(ctx, i, f, 'base64 text (Binary)', v);
    }
    offsets[i + 1] = pos;
  }
  const data = new Uint8Array(Buffer.concat(parts));
  return arrow.makeData({ type, length: n, nullCount: countNulls(validity, n), nullBitmap: validity, valueOffsets: offsets, data });
}
