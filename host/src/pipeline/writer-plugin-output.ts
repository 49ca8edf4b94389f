import { randomBytes } from 'node:crypto';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import type { ContractObject } from '../contracts/index.js';
import type { WriterClient, SinkClient } from '../runtime/writer-client.js';
import { withSchema } from '../arrow-ipc/with-schema.js';
import type { CommitRecord, CommittedFile } from '../targets/target.js';
import type { RunOutput, StreamSink } from './run-output.js';

const encoder = new TextEncoder();

/**
 * Stands for a bigint's digits while JSON.stringify runs: a NUL and a random nonce, so no
 * string value of the data can be mistaken for it.
 */
const NONCE = randomBytes(8).toString('hex');
const BIG = `\u0000int64-${NONCE}:`;
const BIG_QUOTED = new RegExp(`"\\\\u0000int64-${NONCE}:(-?\\d+)"`, 'g');

/** Arrow rows as JSON Lines, for writers that take only JSON: int64 values as exact JSON numbers. */
export function toJsonLines(batch: RecordBatch): Uint8Array {
  let text = '';
  for (const row of batch) {
    text += JSON.stringify(row?.toJSON(), (_, v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : `${BIG}${v}`) : v)) + '\n';
  }
  return encoder.encode(text.includes(NONCE) ? text.replace(BIG_QUOTED, '$1') : text);
}

/**
 * A writer plugin as the run's output: each stream gets a sink; the same validated
 * batches are sent (Arrow IPC when the writer accepts it, else JSON Lines); commit
 * commits every sink, then the state is saved. Delivery is at-least-once: a crash
 * between a sink's commit and the state save re-sends that data on the next run.
 */
export async function writerPluginOutput(writer: WriterClient, config: Record<string, unknown>, hostPath: (location: string) => string = (l) => l): Promise<RunOutput> {
  const spec = await writer.spec();
  const arrow = spec.encodings.includes('arrow-ipc-stream');
  const sinks: { stream: string; sink: SinkClient }[] = [];
  return {
    description: 'writer plugin',
    async openStream(stream: string, object: ContractObject): Promise<StreamSink> {
      const sink = await writer.openSink(config, { name: stream, jsonSchema: object.jsonSchema, primaryKey: object.primaryKey, cursorFields: [], supportsIncremental: false });
      sinks.push({ stream, sink });
      return {
        async write(batch, ipc) {
          if (!arrow) return sink.write({ encoding: 'json-lines', bytes: toJsonLines(batch) });
          await sink.write({ encoding: 'arrow-ipc-stream', bytes: ipc ? withSchema(ipc, batch.schema) : tableToIPC(new Table(batch), 'stream') });
        },
        async finish() {
          return [];
        },
      };
    },
    async commit(record: CommitRecord, applied) {
      const files: CommittedFile[] = [];
      for (const { stream, sink } of sinks) {
        const info = await sink.commit();
        // A sink reports its rows and bytes once, for all its locations: the first carries them.
        // A location under one of the writer's mounts is shown as the user's path.
        info.locations.forEach((path, i) => files.push({ stream, path: hostPath(path), rows: i === 0 ? Number(info.records) : 0, bytes: i === 0 ? Number(info.bytes) : 0 }));
      }
      record.files.push(...files);
      await applied(record);
      return files;
    },
    async abort() {
      for (const { sink } of sinks) await sink.abort().catch(() => undefined);
      return 'discarded' as const;
    },
  };
}
