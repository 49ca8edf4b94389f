/**
 * warn + invalid_rows: quarantine. Splits a validated batch into the rows that passed and the rows
 * that failed, the latter with three more columns naming the first rule each row failed:
 * `_rule`, `_field`, `_value` (Utf8, not null; `_value` is "" for a null or missing value and is
 * cut at 1,024 characters). Columns are copied with one typed-array loop per column.
 * When rows were rejected, `accepted` is a new batch: a reader's IPC bytes no longer encode it
 * (validateBatch's `sameLayout` speaks of `batch`, not of `accepted`).
 */
import * as arrow from 'apache-arrow';
import { countNulls, paddedBytes, utf8Column } from '../columns.js';
import type { RowFailures } from './row-failures.js';

export interface SplitBatch {
  accepted: arrow.RecordBatch;
  /** undefined when no row failed. */
  rejected: arrow.RecordBatch | undefined;
}

export const REJECTED_COLUMNS = ['_rule', '_field', '_value'] as const;
const MAX_VALUE_CHARS = 1024;

export function splitRejected(batch: arrow.RecordBatch, failures: RowFailures): SplitBatch {
  if (failures.size === 0) return { accepted: batch, rejected: undefined };
  const n = batch.numRows;
  const bad = failures.rows;
  const good = new Int32Array(n - bad.length);
  for (let i = 0, k = 0, b = 0; i < n; i++) {
    if (b < bad.length && bad[b] === i) b++;
    else good[k++] = i;
  }
  const accepted = take(batch, batch.schema, good, []);
  const rule: string[] = [];
  const field: string[] = [];
  const value: string[] = [];
  for (const f of failures) {
    rule.push(f.rule);
    field.push(f.field);
    value.push(f.value.length > MAX_VALUE_CHARS ? f.value.slice(0, MAX_VALUE_CHARS) : f.value);
  }
  const extra = [utf8Column(rule), utf8Column(field), utf8Column(value)];
  const schema = rejectedSchema(batch.schema);
  return { accepted, rejected: take(batch, schema, bad, extra) };
}

const rejectedSchemas = new WeakMap<arrow.Schema, arrow.Schema>();

/** The batch's schema, every field nullable, plus `_rule`, `_field`, `_value`. */
export function rejectedSchema(schema: arrow.Schema): arrow.Schema {
  let s = rejectedSchemas.get(schema);
  if (s === undefined) {
    const fields = schema.fields.map((f) =>
      f.nullable ? f : new arrow.Field(f.name, f.type, true, f.metadata),
    );
    for (const name of REJECTED_COLUMNS)
      fields.push(new arrow.Field(name, new arrow.Utf8(), false));
    s = new arrow.Schema(fields, schema.metadata);
    rejectedSchemas.set(schema, s);
  }
  return s;
}

function take(
  batch: arrow.RecordBatch,
  schema: arrow.Schema,
  rows: Int32Array,
  extra: arrow.Data[],
): arrow.RecordBatch {
  const children = batch.data.children.map((d) => takeData(d, rows)).concat(extra);
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
  return new arrow.RecordBatch(schema, data);
}

/** Rows `rows` (ascending) of a column in a contract type: fixed width, Bool, Utf8, Binary, Struct, List. */
export function takeData(d: arrow.Data, rows: Int32Array): arrow.Data {
  const m = rows.length;
  const validity = new Uint8Array(paddedBytes(m));
  const src = d.nullBitmap;
  const off = d.offset;
  const allValid = !src || src.length === 0 || d.nullCount === 0;
  for (let k = 0; k < m; k++) {
    const b = off + rows[k]!;
    if (allValid || (src![b >> 3]! & (1 << (b & 7))) !== 0) validity[k >> 3]! |= 1 << (k & 7);
  }
  const nullCount = countNulls(validity, m);
  const type = d.type;
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    const bytes = d.values as Uint8Array;
    const offs = d.valueOffsets as Int32Array;
    let size = 0;
    for (let k = 0; k < m; k++) size += offs[rows[k]! + 1]! - offs[rows[k]!]!;
    const out = new Uint8Array(size);
    const outOffs = new Int32Array(m + 1);
    let pos = 0;
    for (let k = 0; k < m; k++) {
      const s = offs[rows[k]!]!;
      const e = offs[rows[k]! + 1]!;
      out.set(bytes.subarray(s, e), pos);
      pos += e - s;
      outOffs[k + 1] = pos;
    }
    return arrow.makeData({
      type,
      length: m,
      nullCount,
      nullBitmap: validity,
      valueOffsets: outOffs,
      data: out,
    } as never);
  }
  if (arrow.DataType.isStruct(type)) {
    const at = off === 0 ? rows : rows.map((r) => r + off);
    return arrow.makeData({ type, length: m, nullCount, nullBitmap: validity, children: d.children.map((c) => takeData(c, at)) });
  }
  if (arrow.DataType.isList(type)) {
    const offs = d.valueOffsets as Int32Array;
    const outOffs = new Int32Array(m + 1);
    const items: number[] = [];
    for (let k = 0; k < m; k++) {
      for (let j = offs[off + rows[k]!]!; j < offs[off + rows[k]! + 1]!; j++) items.push(j);
      outOffs[k + 1] = items.length;
    }
    const child = takeData(d.children[0]!, Int32Array.from(items));
    return arrow.makeData({ type, length: m, nullCount, nullBitmap: validity, valueOffsets: outOffs, child });
  }
  if (arrow.DataType.isDecimal(type)) {
    const k = type.bitWidth / 32;
    const words = d.values as Uint32Array;
    const out = new Uint32Array(m * k);
    for (let j = 0; j < m; j++) out.set(words.subarray(rows[j]! * k, rows[j]! * k + k), j * k);
    return arrow.makeData({ type, length: m, nullCount, nullBitmap: validity, data: out });
  }
  if (arrow.DataType.isBool(type)) {
    const bits = d.values as Uint8Array;
    const out = new Uint8Array(paddedBytes(m));
    for (let k = 0; k < m; k++) {
      const b = off + rows[k]!;
      if ((bits[b >> 3]! & (1 << (b & 7))) !== 0) out[k >> 3]! |= 1 << (k & 7);
    }
    return arrow.makeData({ type, length: m, nullCount, nullBitmap: validity, data: out });
  }
  const values = d.values as Int32Array | Float64Array | BigInt64Array;
  const out = new (values.constructor as new (n: number) => typeof values)(m);
  for (let k = 0; k < m; k++) out[k] = values[rows[k]!]!;
  return arrow.makeData({ type, length: m, nullCount, nullBitmap: validity, data: out } as never);
}
