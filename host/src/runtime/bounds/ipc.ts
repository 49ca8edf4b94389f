/**
 * What an Arrow IPC stream batch will cost the host, read from its message headers
 * before anything is decoded: rows per record batch, body regions inside the body,
 * no compression, and the bytes the batch expands to (fixed widths x rows, every
 * dictionary-encoded column x rows x its longest dictionary value). For flat schemas
 * the buffers of each column are also checked against the row count (string offsets
 * in range and ascending, dictionary indices inside their dictionary), so decoding
 * never reads past what was sent.
 */
import { DataType, MessageHeader, MessageReader, type Message, type Schema } from 'apache-arrow';
import { HostError } from '../../errors/index.js';
import type { BatchBounds, Refuse } from './index.js';

type Meta = ReturnType<Message<MessageHeader.RecordBatch>['header']>;
type Region = { offset: number; length: number };
/** Refuses the batch as BATCH_INVALID; `reason` is prefixed with the message's index. */
type Bad = (reason: string) => never;

interface Dictionaries {
  /** Longest value (bytes) of each dictionary, by id. */
  longest: Map<number, number>;
  /** Values of each dictionary, by id. */
  sizes: Map<number, number>;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Bytes per value of a fixed-width type; 0 for types that are not fixed-width. */
function fixedWidth(t: DataType): number {
  const bits = (t as { bitWidth?: number }).bitWidth ?? 0;
  if (DataType.isInt(t) || DataType.isTime(t) || DataType.isDecimal(t)) return bits / 8;
  if (DataType.isFloat(t)) return [2, 4, 8][(t as { precision: number }).precision] ?? 8;
  if (DataType.isDate(t)) return (t as { unit: number }).unit === 0 ? 4 : 8;
  if (DataType.isTimestamp(t) || DataType.isDuration(t)) return 8;
  if (DataType.isFixedSizeBinary(t)) return (t as { byteWidth: number }).byteWidth;
  if (DataType.isInterval(t)) return [4, 8, 16][(t as { unit: number }).unit] ?? 16;
  return 0;
}

const isVarWidth = (t: DataType) => DataType.isUtf8(t) || DataType.isBinary(t);
const isFlat = (t: DataType) =>
  DataType.isBool(t) || isVarWidth(t) || fixedWidth(t) > 0 || DataType.isDictionary(t);

export function checkIpcBatch(bytes: Uint8Array, bounds: BatchBounds, refuse: Refuse): void {
  const reader = new MessageReader(bytes);
  const dictionaries: Dictionaries = { longest: new Map(), sizes: new Map() };
  let schema: Schema | undefined;
  for (let index = 0; ; index++) {
    const bad: Bad = (reason) => refuse.invalid('arrow-ipc-stream', `message ${index} ${reason}`);
    let message: Message | null;
    let body: Uint8Array;
    try {
      message = reader.readMessage();
      if (!message) break;
      if (!isCount(message.bodyLength)) bad(`has a body length of ${String(message.bodyLength)}`);
      body = reader.readMessageBody(message.bodyLength);
    } catch (e) {
      if (e instanceof HostError) throw e;
      return bad(`cannot be read (${(e as Error).message})`);
    }
    if (message.bodyLength > body.byteLength) {
      bad(`claims a ${message.bodyLength}-byte body; ${body.byteLength} bytes follow`);
    }
    switch (message.headerType) {
      case MessageHeader.Schema:
        if (schema) bad('is a second schema');
        schema = message.header() as Schema;
        break;
      case MessageHeader.DictionaryBatch:
        if (!schema) bad('is a dictionary before the schema');
        checkDictionary((message as Message<MessageHeader.DictionaryBatch>).header(), body, schema!, dictionaries, bad);
        break;
      case MessageHeader.RecordBatch: {
        if (!schema) bad('is a record batch before the schema');
        const rb = (message as Message<MessageHeader.RecordBatch>).header();
        checkRegions(rb, body, bad);
        checkRecordBatch(rb, body, schema!, dictionaries, bounds, refuse, bad);
        break;
      }
      default:
        bad(`has header type ${String(message.headerType)}, not a schema, dictionary or record batch`);
    }
  }
  if (!schema) refuse.invalid('arrow-ipc-stream', 'no schema message');
}

function checkRegions(meta: Meta, body: Uint8Array, bad: Bad): void {
  if (meta.compression) bad(`has a compressed body (codec ${meta.compression.type}); send it uncompressed`);
  if (!isCount(meta.length)) bad(`claims ${String(meta.length)} rows`);
  for (const [i, b] of meta.buffers.entries()) {
    if (!isCount(b.offset) || !isCount(b.length) || b.offset + b.length > body.byteLength) {
      bad(`buffer ${i} (offset ${String(b.offset)}, length ${String(b.length)}) lies outside its ${body.byteLength}-byte body`);
    }
  }
  for (const [i, n] of meta.nodes.entries()) {
    if (!isCount(n.length) || !isCount(n.nullCount) || n.nullCount > n.length) {
      bad(`field node ${i} claims ${String(n.length)} values with ${String(n.nullCount)} nulls`);
    }
  }
}

function checkDictionary(
  d: ReturnType<Message<MessageHeader.DictionaryBatch>['header']>,
  body: Uint8Array,
  schema: Schema,
  dictionaries: Dictionaries,
  bad: Bad,
): void {
  const valueType = schema.dictionaries.get(d.id);
  if (!valueType) bad(`is a dictionary with an id (${d.id}) the schema does not declare`);
  checkRegions(d.data, body, bad);
  const { longest, sizes } = dictionaries;
  const own = longestValue(d.data, body, valueType!, bad);
  longest.set(d.id, Math.max(own, d.isDelta ? (longest.get(d.id) ?? 0) : 0));
  sizes.set(d.id, d.data.length + (d.isDelta ? (sizes.get(d.id) ?? 0) : 0));
}

/** The longest value of a dictionary, from its offsets (strings, binary) or its type. */
function longestValue(meta: Meta, body: Uint8Array, valueType: DataType, bad: Bad): number {
  const width = fixedWidth(valueType);
  if (width > 0) return width;
  if (DataType.isBool(valueType)) return 1;
  if (isVarWidth(valueType) && meta.buffers.length >= 3) {
    return checkOffsets(body, meta.buffers[1]!, meta.buffers[2]!.length, meta.length, 'dictionary', bad);
  }
  return body.byteLength; // nested values: at most the whole dictionary body per row
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `count` int32 values at `offset` of `body`: a typed view when aligned, else a copy. */
function int32s(body: Uint8Array, offset: number, count: number): Int32Array {
  const at = body.byteOffset + offset;
  if (LITTLE_ENDIAN && at % 4 === 0) return new Int32Array(body.buffer, at, count);
  const view = new DataView(body.buffer, at, count * 4);
  return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
}

/** Checks n + 1 int32 offsets (ascending, within the data); returns the longest value. */
function checkOffsets(body: Uint8Array, region: Region, dataBytes: number, n: number, what: string, bad: Bad): number {
  if (n === 0) return 0;
  if (region.length < (n + 1) * 4) bad(`${what}: ${n} values need ${(n + 1) * 4} bytes of offsets, got ${region.length}`);
  const offsets = int32s(body, region.offset, n + 1);
  let prev = offsets[0]!;
  let max = 0;
  if (prev < 0) bad(`${what}: negative string offset`);
  for (let i = 1; i <= n; i++) {
    const o = offsets[i]!;
    if (o < prev || o > dataBytes) bad(`${what}: string offset ${o} at ${i} is out of range (data is ${dataBytes} bytes)`);
    if (o - prev > max) max = o - prev;
    prev = o;
  }
  return max;
}

function checkRecordBatch(
  rb: Meta,
  body: Uint8Array,
  schema: Schema,
  { longest, sizes }: Dictionaries,
  bounds: BatchBounds,
  refuse: Refuse,
  bad: Bad,
): void {
  const rows = rb.length;
  if (rows > bounds.maxRows) refuse.limit('a record batch (rows)', 'max_batch_rows', rows, bounds.maxRows);
  // Every column the host builds for the contract: at most 8 bytes a row plus what was
  // sent; a dictionary column becomes one copy of a value per row; nested values 8 each.
  const columns = Math.max(bounds.contractFields, schema.fields.length);
  let expanded = body.byteLength + rows * 8 * columns;
  const flat = schema.fields.every((f) => isFlat(f.type));
  if (!flat) for (const n of rb.nodes.slice(schema.fields.length)) expanded += n.length * 8;
  for (const f of schema.fields) if (DataType.isDictionary(f.type)) expanded += rows * (longest.get(f.type.id) ?? 0);
  if (expanded > bounds.maxExpandedBytes) {
    const what = 'a record batch that expands to (bytes, estimated from its headers)';
    refuse.limit(what, 'max_batch_expanded_bytes', expanded, bounds.maxExpandedBytes);
  }
  if (!flat) return;
  if (rb.nodes.length !== schema.fields.length) bad(`has ${rb.nodes.length} field nodes for ${schema.fields.length} columns`);
  const buffers = rb.buffers;
  let b = 0;
  schema.fields.forEach((f, i) => {
    const column = `column "${f.name}"`;
    const node = rb.nodes[i]!;
    if (node.length !== rows) bad(`${column} has ${node.length} values in a batch of ${rows} rows`);
    const count = isVarWidth(f.type) ? 3 : 2;
    if (b + count > buffers.length) bad(`${column} is missing buffers`);
    const [validity, data, values] = [buffers[b]!, buffers[b + 1]!, buffers[b + 2]];
    b += count;
    if (node.nullCount > 0 && validity.length < Math.ceil(rows / 8)) bad(`${column}: validity bitmap too short`);
    const t = DataType.isDictionary(f.type) ? f.type.indices : f.type;
    const need = DataType.isBool(t) ? Math.ceil(rows / 8) : isVarWidth(t) ? 0 : rows * fixedWidth(t);
    if (data.length < need) bad(`${column}: ${rows} values need ${need} bytes, got ${data.length}`);
    if (isVarWidth(t)) checkOffsets(body, data, values!.length, rows, column, bad);
    if (DataType.isDictionary(f.type)) {
      const size = sizes.get(f.type.id);
      if (size === undefined) bad(`${column} uses dictionary ${f.type.id}, which no earlier message holds`);
      const nulls = node.nullCount > 0 ? body.subarray(validity.offset, validity.offset + validity.length) : undefined;
      checkIndices(body, data, nulls, t as IndexType, rows, size!, column, bad);
    }
  });
  if (b !== buffers.length) bad(`has ${buffers.length} buffers; its columns use ${b}`);
}

type IndexType = { bitWidth: number; isSigned: boolean };

/** Every non-null index of a dictionary column names a value of its dictionary. */
function checkIndices(
  body: Uint8Array,
  data: Region,
  validity: Uint8Array | undefined,
  type: IndexType,
  rows: number,
  size: number,
  column: string,
  bad: Bad,
): void {
  const width = type.bitWidth / 8;
  let read: (i: number) => number;
  if (width === 4 && type.isSigned) {
    const values = int32s(body, data.offset, rows);
    read = (i) => values[i]!;
  } else {
    const view = new DataView(body.buffer, body.byteOffset + data.offset, rows * width);
    read = (i) => {
      const at = i * width;
      if (width === 1) return type.isSigned ? view.getInt8(at) : view.getUint8(at);
      if (width === 2) return type.isSigned ? view.getInt16(at, true) : view.getUint16(at, true);
      if (width === 4) return view.getUint32(at, true);
      return Number(type.isSigned ? view.getBigInt64(at, true) : view.getBigUint64(at, true));
    };
  }
  for (let i = 0; i < rows; i++) {
    if (validity && (validity[i >> 3]! & (1 << (i & 7))) === 0) continue;
    const v = read(i);
    if (v < 0 || v >= size) bad(`${column}: row ${i} has dictionary index ${v}; the dictionary holds ${size} values`);
  }
}
