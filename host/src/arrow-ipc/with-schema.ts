import { Table, tableToIPC, type Schema } from 'apache-arrow';

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
 * `stream` (an IPC stream from a plugin) with its schema message replaced by `schema`'s,
 * in new bytes (from `alloc`, given the length, when given).
 */
export function withSchema(stream: Uint8Array, schema: Schema, alloc?: (length: number) => Uint8Array): Uint8Array {
  let head = schemaMessages.get(schema);
  if (!head) {
    const empty = tableToIPC(new Table(schema), 'stream');
    head = empty.slice(0, firstMessageEnd(empty));
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
