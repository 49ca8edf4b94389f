/**
 * What an Arrow IPC stream batch will cost the host, read from its message headers
 * before anything is decoded: rows per record batch, body regions inside the body,
 * no compression, and the bytes the batch expands to (fixed widths x rows, every
 * dictionary-encoded column x rows x its longest dictionary value). For flat schemas
 * the buffers of each column are also checked against the row count (string offsets
 * in range and ascending), so decoding never reads past what was sent.
 */
import { DataType, MessageHeader, MessageReader, type Field, type Message, type Schema } from 'apache-arrow';
import { HostError } from '../../errors/index.js';
import type { BatchBounds, Refuse } from './index.js';

type Meta = ReturnType<Message<MessageHeader.RecordBatch>['header']>;

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Bytes per value of a fixed-width type; 0 for types that are not fixed-width. */
function fixedWidth(t: DataType): number {
  if (DataType.isInt(t) || DataType.isTime(t) || DataType.isDecimal(t)) return (t as { bitWidth: number }).bitWidth / 8;
  if (DataType.isFloat(t)) return [2, 4, 8][(t as { precision: number }).precision] ?? 8;
  if (DataType.isDate(t)) return (t as { unit: number }).unit === 0 ? 4 : 8;
  if (DataType.isTimestamp(t) || DataType.isDuration(t)) return 8;
  if (DataType.isFixedSizeBinary(t)) return (t as { byteWidth: number }).byteWidth;
  if (DataType.isInterval(t)) return [4, 8, 16][(t as { unit: number }).unit] ?? 16;
  return 0;
}

const isVarWidth = (t: DataType) => DataType.isUtf8(t) || DataType.isBinary(t);
const isFlat = (t: DataType) => DataType.isBool(t) || isVarWidth(t) || fixedWidth(t) > 0 || DataType.isDictionary(t);

export function checkIpcBatch(bytes: Uint8Array, bounds: BatchBounds, refuse: Refuse): void {
  const invalid: Invalid = (reason, details) => refuse.invalid('arrow-ipc-stream', reason, details);
  const reader = new MessageReader(bytes);
  let schema: Schema | undefined;
  /** Longest value (bytes) and number of values of each dictionary, by id. */
  const longest = new Map<number, number>();
  const sizes = new Map<number, number>();
  for (let index = 0; ; index++) {
    let message: Message | null;
    let body: Uint8Array;
    try {
      message = reader.readMessage();
      if (!message) break;
      if (!isCount(message.bodyLength)) invalid(`message ${index} has a body length of ${String(message.bodyLength)}`);
      body = reader.readMessageBody(message.bodyLength);
    } catch (e) {
      if (e instanceof HostError) throw e;
      return invalid(`message ${index} cannot be read (${(e as Error).message})`);
    }
    if (message.bodyLength > body.byteLength) invalid(`message ${index} claims a ${message.bodyLength}-byte body; ${body.byteLength} bytes follow`);
    switch (message.headerType) {
      case MessageHeader.Schema:
        if (schema) invalid(`message ${index} is a second schema`);
        schema = message.header() as Schema;
        break;
      case MessageHeader.DictionaryBatch: {
        if (!schema) invalid(`message ${index} is a dictionary before the schema`);
        const d = (message as Message<MessageHeader.DictionaryBatch>).header();
        const valueType = schema!.dictionaries.get(d.id);
        if (!valueType) invalid(`message ${index} is a dictionary with an id (${d.id}) the schema does not declare`);
        checkRegions(d.data, body, index, invalid);
        const own = longestValue(d.data, body, valueType!, index, invalid);
        longest.set(d.id, Math.max(own, d.isDelta ? (longest.get(d.id) ?? 0) : 0));
        sizes.set(d.id, d.data.length + (d.isDelta ? (sizes.get(d.id) ?? 0) : 0));
        break;
      }
      case MessageHeader.RecordBatch: {
        if (!schema) invalid(`message ${index} is a record batch before the schema`);
        const rb = (message as Message<MessageHeader.RecordBatch>).header();
        checkRegions(rb, body, index, invalid);
        checkRecordBatch(rb, body, schema!, { longest, sizes }, index, bounds, refuse, invalid);
        break;
      }
      default:
        invalid(`message ${index} has header type ${String(message.headerType)}, not a schema, dictionary or record batch`);
    }
  }
  if (!schema) invalid('no schema message');
}

type Invalid = (reason: string, details?: Record<string, unknown>) => never;

function checkRegions(meta: Meta, body: Uint8Array, index: number, invalid: Invalid): void {
  if (meta.compression) invalid(`message ${index} has a compressed body (codec ${meta.compression.type}); send it uncompressed`);
  if (!isCount(meta.length)) invalid(`message ${index} claims ${String(meta.length)} rows`);
  for (const [i, b] of meta.buffers.entries()) {
    if (!isCount(b.offset) || !isCount(b.length) || b.offset + b.length > body.byteLength) {
      invalid(`message ${index} buffer ${i} (offset ${String(b.offset)}, length ${String(b.length)}) lies outside its ${body.byteLength}-byte body`);
    }
  }
  for (const [i, n] of meta.nodes.entries()) {
    if (!isCount(n.length) || !isCount(n.nullCount) || n.nullCount > n.length) {
      invalid(`message ${index} field node ${i} claims ${String(n.length)} values with ${String(n.nullCount)} nulls`);
    }
  }
}

/** The longest value of a dictionary, from its offsets (strings, binary) or its type. */
function longestValue(meta: Meta, body: Uint8Array, valueType: DataType, index: number, invalid: Invalid): number {
  const width = fixedWidth(valueType);
  if (width > 0) return width;
  if (DataType.isBool(valueType)) return 1;
  if (isVarWidth(valueType) && meta.buffers.length >= 3) {
    const offsets = meta.buffers[1]!;
    return checkOffsets(body, offsets, meta.buffers[2]!.length, meta.length, index, 'dictionary', invalid);
  }
  return body.byteLength; // nested values: at most the whole dictionary body per row
}

/** Checks a string column's int32 offsets (n + 1 of them, ascending, within the data); returns the longest value. */
function checkOffsets(
  body: Uint8Array, region: { offset: number; length: number }, dataBytes: number, n: number, index: number, what: string,
  invalid: Invalid,
): number {
  if (n === 0) return 0;
  if (region.length < (n + 1) * 4) invalid(`message ${index} ${what}: ${n} values need ${(n + 1) * 4} bytes of offsets, got ${region.length}`);
  const view = new DataView(body.buffer, body.byteOffset + region.offset, (n + 1) * 4);
  let prev = view.getInt32(0, true);
  let max = 0;
  if (prev < 0) invalid(`message ${index} ${what}: negative string offset`);
  for (let i = 1; i <= n; i++) {
    const o = view.getInt32(i * 4, true);
    if (o < prev || o > dataBytes) invalid(`message ${index} ${what}: string offset ${o} at ${i} is out of range (data is ${dataBytes} bytes)`);
    if (o - prev > max) max = o - prev;
    prev = o;
  }
  return max;
}

function checkRecordBatch(
  rb: Meta, body: Uint8Array, schema: Schema, dictionaries: { longest: Map<number, number>; sizes: Map<number, number> },
  index: number, bounds: BatchBounds, refuse: Refuse, invalid: Invalid,
): void {
  const { longest, sizes } = dictionaries;
  const rows = rb.length;
  if (rows > bounds.maxRows) refuse.limit('a record batch (rows)', 'max_batch_rows', rows, bounds.maxRows);
  const columns = Math.max(bounds.contractFields, schema.fields.length);
  // Every column the host builds for the contract: at most 8 bytes a row plus what was sent;
  // a dictionary column becomes one copy of a value per row.
  let expanded = body.byteLength + rows * 8 * columns;
  const flat = schema.fields.every((f) => isFlat(f.type));
  let nested = 0;
  if (!flat) for (const n of rb.nodes.slice(schema.fields.length)) nested += n.length * 8;
  expanded += nested;
  for (const f of schema.fields) if (DataType.isDictionary(f.type)) expanded += rows * (longest.get(f.type.id) ?? 0);
  if (expanded > bounds.maxExpandedBytes) {
    refuse.limit('a record batch that expands to (bytes, estimated from its headers)', 'max_batch_expanded_bytes', expanded, bounds.maxExpandedBytes);
  }
  if (!flat) return;
  if (rb.nodes.length !== schema.fields.length) invalid(`message ${index} has ${rb.nodes.length} field nodes for ${schema.fields.length} columns`);
  let b = 0;
  const buffers = rb.buffers;
  schema.fields.forEach((f: Field, i) => {
    const node = rb.nodes[i]!;
    if (node.length !== rows) invalid(`message ${index} column "${f.name}" has ${node.length} values in a batch of ${rows} rows`);
    const count = isVarWidth(f.type) ? 3 : 2;
    if (b + count > buffers.length) invalid(`message ${index} column "${f.name}" is missing buffers`);
    const [validity, data, values] = [buffers[b]!, buffers[b + 1]!, buffers[b + 2]];
    b += count;
    if (node.nullCount > 0 && validity.length < Math.ceil(rows / 8)) invalid(`message ${index} column "${f.name}": validity bitmap too short`);
    const t = DataType.isDictionary(f.type) ? f.type.indices : f.type;
    const need = DataType.isBool(t) ? Math.ceil(rows / 8) : isVarWidth(t) ? 0 : rows * fixedWidth(t);
    if (data.length < need) invalid(`message ${index} column "${f.name}": ${rows} values need ${need} bytes, got ${data.length}`);
    if (isVarWidth(t)) checkOffsets(body, data, values!.length, rows, index, `column "${f.name}"`, invalid);
    if (DataType.isDictionary(f.type)) {
      const size = sizes.get(f.type.id);
      if (size === undefined) invalid(`message ${index} column "${f.name}" uses dictionary ${f.type.id}, which no earlier message holds`);
      checkIndices(body, validity, data, node.nullCount > 0, t as { bitWidth: number; isSigned: boolean }, rows, size!, index, f.name, invalid);
    }
  });
  if (b !== buffers.length) invalid(`message ${index} has ${buffers.length} buffers; its columns use ${b}`);
}

/** Every non-null index of a dictionary column names a value of its dictionary. */
function checkIndices(
  body: Uint8Array, validity: { offset: number; length: number }, data: { offset: number; length: number }, hasNulls: boolean,
  type: { bitWidth: number; isSigned: boolean }, rows: number, size: number, index: number, name: string, invalid: Invalid,
): void {
  const width = type.bitWidth / 8;
  const view = new DataView(body.buffer, body.byteOffset + data.offset, rows * width);
  const bits = hasNulls ? body.subarray(validity.offset, validity.offset + validity.length) : undefined;
  for (let i = 0; i < rows; i++) {
    if (bits && (bits[i >> 3]! & (1 << (i & 7))) === 0) continue;
    const at = i * width;
    const v = width === 1 ? (type.isSigned ? view.getInt8(at) : view.getUint8(at))
      : width === 2 ? (type.isSigned ? view.getInt16(at, true) : view.getUint16(at, true))
      : width === 4 ? (type.isSigned ? view.getInt32(at, true) : view.getUint32(at, true))
      : Number(type.isSigned ? view.getBigInt64(at, true) : view.getBigUint64(at, true));
    if (v < 0 || v >= size) invalid(`message ${index} column "${name}": row ${i} has dictionary index ${v}; the dictionary holds ${size} values`);
  }
}
