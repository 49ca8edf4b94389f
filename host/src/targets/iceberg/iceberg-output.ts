/**
 * The built-in Parquet output (pipeline/run-output.ts) on an Iceberg target: each
 * stream is checked against its table when it opens, and its Parquet files carry the
 * table's field ids (the Arrow field metadata PARQUET:field_id, which parquet-wasm's
 * arrow-rs writes as the Parquet field_id readers resolve columns by).
 */
import * as arrow from 'apache-arrow';
import type { Job } from '../../config/job.js';
import { parquetOutput, type RunOutput } from '../../pipeline/run-output.js';
import type { RunScope, RunStaging } from '../target.js';
import { IcebergTarget } from './iceberg-target.js';
import type { Target } from '../target.js';

export const isIcebergTarget = (t: Target): t is IcebergTarget => t instanceof IcebergTarget;

export function icebergOutput(job: Job, target: IcebergTarget, staging: RunStaging, scope: RunScope): RunOutput {
  // The writer splits by the partition columns; day(col) of a date column is the date itself.
  const partitioning = target.opts.partitioning.columns;
  const base = parquetOutput({ ...job, target: { ...job.target, partitioning } }, target, staging);
  return {
    ...base,
    description: `Parquet into ${target.description}`,
    async openStream(stream, object) {
      const withIds = await target.prepareStream(scope, staging.runId, stream, object);
      const sink = await base.openStream(stream, object);
      const schemas = new WeakMap<arrow.Schema, arrow.Schema>();
      const idsOf = (s: arrow.Schema): arrow.Schema => {
        let out = schemas.get(s);
        if (!out) {
          const byName = new Map(withIds.fields.map((f) => [f.name, f]));
          out = new arrow.Schema(s.fields.map((f) => new arrow.Field(f.name, f.type, f.nullable, byName.get(f.name)?.metadata ?? f.metadata)), s.metadata);
          schemas.set(s, out);
        }
        return out;
      };
      return {
        write: (batch, ipc) => sink.write(new arrow.RecordBatch(idsOf(batch.schema), batch.data), ipc),
        finish: () => sink.finish(),
      };
    },
  };
}
