import type { ReaderClient } from '../runtime/reader-client.js';
import type { Batch } from '../runtime/plugin-types.js';
import { batchRows, type Row } from './rows.js';

export interface StreamRead {
  config: unknown;
  /** The stream to read (default: the first stream discover returns). */
  stream?: string;
  /** Where to resume: a checkpoint an earlier read returned. */
  checkpoint?: string;
  /** The stream's JSON schema as a job would send it (default: none). */
  schema?: Record<string, unknown>;
  /** Stop after this many batches (default: read to the end). */
  maxBatches?: number;
}

export interface ReadResult {
  /** The request as sent (with the stream discover chose). */
  request: StreamRead & { stream: string };
  rows: Row[];
  batches: Batch[];
  /** The last checkpoint a batch carried (what a job would save after its commit). */
  checkpoint: string | undefined;
}

/** Reads a stream through a reader instance, checked by the host's batch bounds, as rows. */
export async function readStream(reader: ReaderClient, req: StreamRead): Promise<ReadResult> {
  const stream = req.stream ?? (await reader.discover(req.config))[0]?.name;
  if (stream === undefined) throw new Error('discover returned no stream: name one with `stream`');
  const request = { ...req, stream };
  const batches: Batch[] = [];
  let checkpoint = req.checkpoint;
  for await (const b of reader.read(request)) {
    batches.push(b);
    if (b.checkpoint !== undefined) checkpoint = b.checkpoint;
    if (req.maxBatches !== undefined && batches.length >= req.maxBatches) break;
  }
  return { request, rows: batches.flatMap(batchRows), batches, checkpoint };
}
