import { Table, Type, tableToIPC, type Field, type Schema } from 'apache-arrow';

/**
 * Arrow IPC streams re-headed with another schema message, so the bytes a plugin sent
 * are passed on (to the Parquet encoder, to a writer plugin) as they are when
 * validation kept the batch's columns as they were (ValidationResult.sameLayout), under
 * the contract's schema (its names and nullability). Re-encoding the validated batch
 * instead cost the main thread ~0.1 s of CPU per 2 M rows (copies, flatbuffers,
 * garbage) to produce the same record batch messages.
 *
 * A stream is a schema message, then dictionary and record batch messages, then an
 * end-of-stream marker; each message is framed as [0xFFFFFFFF][int32 metadata length]
 * [metadata][body] (the continuation word is absent in pre-1.0 streams). A schema
 * message has no body. Field names and nullability live only in the schema message, so
 * a record batch message is valid under any schema with the same column types in the
 * same order.
 */
const schemaMessages = new WeakMap<Schema, Uint8Array>();
/**
 * The same by the schema's content: apache-arrow's RecordBatch constructor gives every
 * batch a Schema object of its own (ensureSameLengthData's schema.assign), so the
 * contract's schema comes back as a new object each batch; without this the schema
 * message was encoded again for every batch (flatbuffers, ~0.1 s of main-thread and
 * optimising-compiler CPU per 2 M rows). Bounded: a run has a schema or two per stream.
 */
const byContent = new Map<string, Uint8Array>();
const MAX_CACHED = 256;

/**
 * `stream` (an IPC stream from a plugin) with its schema message replaced by `schema`'s,
 * in new bytes (from `alloc`, given the length, when given).
 */
export function withSchema(stream: Uint8Array, schema: Schema, alloc?: (length: number) => Uint8Array): Uint8Array {
  let head = schemaMessages.get(schema);
  if (!head) {
    const key = schemaKey(schema);
    head = key === undefined ? undefined : byContent.get(key);
    if (!head) {
      const empty = tableToIPC(new Table(schema), 'stream');
      head = empty.slice(0, firstMessageEnd(empty));
      if (key !== undefined) {
        if (byContent.size >= MAX_CACHED) byContent.clear();
        byContent.set(key, head);
      }
    }
    schemaMessages.set(schema, head);
  }
  const rest = stream.subarray(firstMessageEnd(stream));
  // Not zero-filled first: every byte is written just below.
  const out = alloc ? alloc(head.byteLength + rest.byteLength) : Buffer.allocUnsafeSlow(head.byteLength + rest.byteLength);
  out.set(head);
  out.set(rest, head.byteLength);
  return out;
}

/** Where the first message (the schema, which has no body) of an IPC stream ends. */
function firstMessageEnd(stream: Uint8Array): number {
  if (stream.byteLength < 8) throw new Error(`not an Arrow IPC stream (${stream.byteLength} bytes)`);
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const continued = view.getInt32(0, true) === -1;
  const metadata = view.getInt32(continued ? 4 : 0, true);
  const end = (continued ? 8 : 4) + metadata;
  if (metadata <= 0 || end > stream.byteLength) throw new Error('not an Arrow IPC stream (no schema message)');
  return end;
}

/** A type's id and its parameters (unit, time zone, bit width, precision, scale, byte width...: its own scalar properties). */
const typeKey = (type: Field['type']): string =>
  `${type.typeId}:${String(type)}:${Object.entries(type).filter(([, v]) => v === null || typeof v !== 'object').map(([k, v]) => `${k}=${String(v)}`).join(',')}`;

/**
 * Everything of `schema` its schema message encodes: names, types with their parameters,
 * nullability and metadata, recursively (children included). Undefined (not cached) for
 * types whose properties leave out part of the message: dictionaries (id, ordering), maps
 * (keysSorted), unions (mode, type ids).
 */
function schemaKey(schema: Schema): string | undefined {
  const parts: string[] = [];
  const field = (f: Field): boolean => {
    if (f.type.typeId === Type.Dictionary || f.type.typeId === Type.Map || f.type.typeId === Type.Union) return false;
    parts.push(`${f.name}\u0001${typeKey(f.type)}\u0001${f.nullable ? 1 : 0}\u0001${[...f.metadata].flat().join('\u0002')}\u0003`);
    const children = (f.type.children ?? []) as Field[];
    parts.push(`(${children.length}`);
    if (!children.every(field)) return false;
    parts.push(')');
    return true;
  };
  if (!schema.fields.every(field)) return undefined;
  parts.push([...schema.metadata].flat().join('\u0002'));
  return parts.join('');
}
