import type { RecordBatch } from 'apache-arrow';
import type { ContractObject } from '../contracts/index.js';
import type { CommitRecord, CommittedFile, RunStaging, Target } from '../targets/target.js';
import { ParquetEncoderThreads } from '../writers/parquet/encoder-thread.js';
import { ParquetStreamWriter } from '../writers/parquet/parquet-writer.js';
import type { Job } from '../config/job.js';
import { availableParallelism } from 'node:os';

/** Where a stream's validated batches go. */
export interface StreamSink {
  /** `ipc`: the plugin's Arrow IPC stream holding exactly `batch`'s columns, when it does (a sink may reuse it). */
  write(batch: RecordBatch, ipc?: Uint8Array): Promise<void>;
  /** Everything written for the stream, once it ends. */
  finish(): Promise<CommittedFile[]>;
}

/** The output side of a run: the built-in Parquet writer on a target, or a writer plugin. */
export interface RunOutput {
  readonly description: string;
  openStream(stream: string, object: ContractObject): Promise<StreamSink>;
  /** Makes the run's data visible and durable, then `applied` (state) runs; returns what was committed. */
  commit(record: CommitRecord, applied: (r: CommitRecord) => Promise<void>): Promise<CommittedFile[]>;
  /** 'kept' when the run is past its commit point: the next run's recover finishes it. */
  abort(): Promise<'discarded' | 'kept'>;
}

/** The built-in path: Parquet files staged in a target, committed atomically. */
export function parquetOutput(job: Job, target: Target, staging: RunStaging): RunOutput {
  const encoders = new ParquetEncoderThreads(job.target.encoding_threads ?? defaultEncodingThreads());
  encoders.prestart();
  return {
    description: `Parquet on ${target.description}`,
    async openStream(stream, object) {
      return new ParquetStreamWriter(encoders, staging, stream, {
        compression: job.target.compression,
        targetSizeMb: job.target.parquet_target_size_mb,
        partitionBy: job.target.partitioning,
        keyValueMetadata: object.parquetMetadata,
        rowGroupRows: job.target.row_group_rows,
      });
    },
    async commit(record, applied) {
      await encoders.terminate();
      return (await staging.commit(record, applied)).files;
    },
    async abort() {
      await encoders.terminate();
      return staging.abort();
    },
  };
}

/** Parquet encoder threads when the job does not say: two where there are two cores. */
export const defaultEncodingThreads = (): number => Math.min(2, availableParallelism());
