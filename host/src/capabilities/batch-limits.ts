import { outputLimit } from '../errors/plugin-output.js';
import type { Limits } from './grant.js';

/**
 * The limits a reader's batch must keep before it leaves the plugin's worker, checked on
 * the plugin's thread so an oversized batch is never transferred: the checkpoint's bytes
 * (max_checkpoint_bytes) and the batch's bytes (max_batch_bytes). The batch's content is
 * bounded on the host side before decoding (runtime/bounds/).
 */
export type BatchRefusal =
  | { kind: 'refused'; code: string; message: string; details: Record<string, unknown> }
  | { kind: 'batch-too-large'; bytes: number };

export function refuseBatch(plugin: string, batch: { bytes: Uint8Array; checkpoint?: unknown }, limits: Limits): BatchRefusal | undefined {
  const checkpointBytes = typeof batch.checkpoint === 'string' ? Buffer.byteLength(batch.checkpoint) : 0;
  if (checkpointBytes > limits.maxCheckpointBytes) {
    const e = outputLimit(plugin, 'a checkpoint (bytes)', 'max_checkpoint_bytes', checkpointBytes, limits.maxCheckpointBytes);
    return { kind: 'refused', code: e.code, message: e.message, details: e.details };
  }
  if (batch.bytes.byteLength > limits.maxBatchBytes) return { kind: 'batch-too-large', bytes: batch.bytes.byteLength };
  return undefined;
}
