import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import type { ContractObject } from '../contracts/index.js';
import type { WriterClient, SinkClient } from '../runtime/writer-client.js';
import { withSchema } from '../arrow-ipc/with-schema.js';
import type { CommitRecord } from '../targets/target.js';
import type { RunOutput, StreamSink } from './run-output.js';

const encoder = new TextEncoder();

/** Arrow rows as JSON Lines, for writers that take only JSON (bigints and dates made JSON-safe). */
function toJsonLines(batch: RecordBatch): Uint8Array {
  let text = '';
  for (const row of batch) {
    text += JSON.stringify(row?.toJSON(), (_, v) => (typeof v === 'bigint' ? Number(v) : v)) + '\n';
  }
  return encoder.encode(text);
}

/**
 * A writer plugin as the run's output: each stream gets a sink; the same validated
 * batches are sent (Arrow IPC when the writer accepts it, else JSON Lines); commit
 * commits every sink, then the state is saved. Delivery is at-least-once: a crash
 * between a sink's commit and the state save re-sends that data on the next run.
 */
export async function writerPluginOutput(writer: WriterClient, config: Record<string, unknown>): Promise<RunOutput> {
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
      for (const { stream, sink } of sinks) {
        const info = await sink.commit();
        for (const location of info.locations) record.files.push({ stream, path: location, rows: info.records, bytes: info.bytes });
      }
      await applied(record);
    },
    async abort() {
      for (const { sink } of sinks) await sink.abort().catch(() => undefined);
    },
  };
}
