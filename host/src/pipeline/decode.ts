import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { jsonLinesToBatch, type ContractObject } from '../contracts/index.js';
import { HostError } from '../errors/index.js';
import type { Batch } from '../runtime/plugin-types.js';

/**
 * The Arrow record batches a plugin batch carries, whatever its encoding. Bytes the
 * decoder cannot make sense of are the plugin's fault: any failure that is not already a
 * typed error becomes BATCH_INVALID (the reader client checked the headers before).
 */
export function* decodeBatch(batch: Batch, object: ContractObject, mode: 'strict' | 'warn' = 'strict'): Generator<RecordBatch> {
  try {
    if (batch.encoding === 'json-lines') {
      // warn: a value of the wrong JSON type is a row failure (kept or quarantined), not a failed run.
      yield jsonLinesToBatch(batch.bytes, object, { invalidValues: mode === 'warn' ? 'null' : 'throw' });
      return;
    }
    for (const rb of RecordBatchReader.from(batch.bytes)) yield rb;
  } catch (e) {
    if (e instanceof HostError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new HostError('BATCH_INVALID', 'plugin', `a reader plugin returned a ${batch.encoding} batch the host cannot decode: ${reason.slice(0, 500)}`, {
      details: { encoding: batch.encoding, reason: reason.slice(0, 500) },
    });
  }
}
