import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { jsonLinesToBatch, type ContractObject } from '../contracts/index.js';
import type { Batch } from '../runtime/plugin-types.js';

/** The Arrow record batches a plugin batch carries, whatever its encoding. */
export function* decodeBatch(batch: Batch, object: ContractObject): Generator<RecordBatch> {
  if (batch.encoding === 'json-lines') {
    yield jsonLinesToBatch(batch.bytes, object);
    return;
  }
  for (const rb of RecordBatchReader.from(batch.bytes)) yield rb;
}
