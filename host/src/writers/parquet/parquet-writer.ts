import { RecordBatch, Table, Type, tableToIPC, type Schema } from 'apache-arrow';
import type { CommittedFile, RunStaging } from '../../targets/target.js';
import type { EncodedFile, ParquetEncoderThread } from './encoder-thread.js';
import { withSchema } from '../../arrow-ipc/with-schema.js';
import { partitionBatch } from './partition.js';
import type { ParquetCompression } from './writer-properties.js';

export interface ParquetWriterOptions {
  compression: ParquetCompression;
  /** A file is closed and a new one started once it reaches this size. */
  targetSizeMb: number;
  /** Hive-style partition folders (column=value) for these columns. */
  partitionBy: string[];
  /** Contract id/version, classification and tags (Parquet key-value metadata). */
  keyValueMetadata: Record<string, string>;
  rowGroupRows?: number;
}

/**
 * The built-in writer: one stream's validated Arrow batches into Parquet files in the
 * run's staging area, rolled at the target size, one series per partition. Encoding
 * happens on the run's encoder thread.
 */
export class ParquetStreamWriter {
  #open = new Map<string, EncodedFile>();
  #counters = new Map<string, number>();
  #done: CommittedFile[] = [];
  /** Parquet bytes per Arrow byte, learned from the files closed so far (a first guess until then). */
  #ratio = 0.35;

  constructor(
    private readonly encoder: ParquetEncoderThread,
    private readonly staging: RunStaging,
    private readonly stream: string,
    private readonly opts: ParquetWriterOptions,
  ) {}

  /**
   * Writes a batch, encoded to Arrow IPC here for the encoder; or, given `ipc`, an IPC
   * stream whose one record batch is `batch`'s columns as they are (see
   * ValidationResult.sameLayout), those bytes under `batch`'s schema.
   */
  async write(batch: RecordBatch, ipc?: Uint8Array): Promise<void> {
    if (batch.numRows === 0) return;
    if (this.opts.partitionBy.length === 0) return this.#append('', batch, ipc && withSchema(ipc, batch.schema));
    for (const [folder, part] of partitionBatch(batch, this.opts.partitionBy)) await this.#append(folder, part);
  }

  async #append(folder: string, batch: RecordBatch, ipc?: Uint8Array): Promise<void> {
    let file = this.#open.get(folder);
    if (!file) {
      const n = this.#counters.get(folder) ?? 0;
      this.#counters.set(folder, n + 1);
      const rel = `${folder ? `${folder}/` : ''}part-${String(n).padStart(5, '0')}.parquet`;
      file = this.encoder.open(
        {
          compression: this.opts.compression,
          keyValueMetadata: this.opts.keyValueMetadata,
          rowGroupRows: this.opts.rowGroupRows ?? 131_072,
          integerColumns: integerColumns(batch.schema),
        },
        await this.staging.createFile(this.stream, rel),
      );
      this.#open.set(folder, file);
    }
    await file.append(ipc ?? tableToIPC(new Table(batch), 'stream'), batch.numRows);
    // Parquet bytes appear only as row groups complete, so the size is estimated from the input.
    const estimated = Math.max(file.bytesOut, file.bytesIn * this.#ratio);
    if (estimated >= this.opts.targetSizeMb * 2 ** 20) await this.#close(folder, file);
  }

  async #close(folder: string, file: EncodedFile): Promise<void> {
    this.#open.delete(folder);
    const bytes = await file.close();
    if (file.bytesIn > 0) this.#ratio = bytes / file.bytesIn;
    this.#done.push({ stream: this.stream, path: file.file.path, rows: file.rows, bytes });
  }

  /** Closes every open file; returns all files written for the stream. */
  async finish(): Promise<CommittedFile[]> {
    for (const [folder, file] of [...this.#open]) await this.#close(folder, file);
    return this.#done;
  }
}

const INTEGER_STORED = new Set([Type.Int, Type.Timestamp, Type.Date, Type.Time, Type.Duration]);

/** Top-level columns Parquet stores as INT32/INT64 (candidates for delta encoding). */
const integerColumns = (schema: Schema): string[] => schema.fields.filter((f) => INTEGER_STORED.has(f.typeId)).map((f) => f.name);
