import { RecordBatch, Table, Type, tableToIPC, type Schema } from 'apache-arrow';
import type { CommittedFile, RunStaging } from '../../targets/target.js';
import type { EncodedFile, ParquetEncoderThreads } from './encoder-thread.js';
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
 * happens on the run's encoder threads. An unpartitioned stream larger than one row
 * group is spread over one file per encoder thread, batches taking turns, so that the
 * files are encoded in parallel (each file keeps its rows in source order); a smaller
 * stream stays one file. Partition folders' files take the threads in turn.
 */
export class ParquetStreamWriter {
  /** Open files by lane and partition folder. */
  #open = new Map<string, EncodedFile>();
  #counters = new Map<string, number>();
  #done: CommittedFile[] = [];
  /** Parquet bytes per Arrow byte, learned from the files closed so far (a first guess until then). */
  #ratio = 0.35;
  #rows = 0;
  #turn = 0;
  #opened = 0;
  #columnsKey: string | undefined;

  constructor(
    private readonly encoders: ParquetEncoderThreads,
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
    // A Parquet file has one schema: columns kept from one input only (extra_columns: keep) start new files.
    const columns = columnsKey(batch.schema);
    if (columns !== this.#columnsKey) {
      this.#done.push(...(await Promise.all([...this.#open.keys()].map((k) => this.#close(k)))));
      this.#columnsKey = columns;
    }
    if (this.opts.partitionBy.length === 0) {
      const stream = ipc && withSchema(ipc, batch.schema, (n) => this.encoders.buffers.take(n));
      return this.#append(this.#lane(batch.numRows), '', batch, stream);
    }
    for (const [folder, part] of partitionBatch(batch, this.opts.partitionBy)) await this.#append(0, folder, part);
  }

  /**
   * The parallel file a batch goes to: the first alone until a row group's worth is
   * written, then each in turn. The other threads start at a quarter of that, so their
   * boot overlaps the first file's batches.
   */
  #lane(rows: number): number {
    const lanes = this.encoders.size;
    const lane = lanes === 1 || this.#rows < this.#rowGroupRows ? 0 : this.#turn++ % lanes;
    const quarter = this.#rowGroupRows / 4;
    if (lanes > 1 && this.#rows < quarter && this.#rows + rows >= quarter) this.encoders.warm();
    this.#rows += rows;
    return lane;
  }

  get #rowGroupRows(): number {
    return this.opts.rowGroupRows ?? 131_072;
  }

  /** `ipc`, when given, is `batch` as an IPC stream in a buffer from the encoders' pool. */
  async #append(lane: number, folder: string, batch: RecordBatch, ipc?: Uint8Array): Promise<void> {
    const key = `${lane}/${folder}`;
    let file = this.#open.get(key);
    if (!file) {
      const n = this.#counters.get(folder) ?? 0;
      this.#counters.set(folder, n + 1);
      const rel = `${folder ? `${folder}/` : ''}part-${String(n).padStart(5, '0')}.parquet`;
      // A lane keeps its thread; partition folders' files take the threads in turn.
      const encoder = this.encoders.at(this.opts.partitionBy.length === 0 ? lane : this.#opened);
      this.#opened++;
      file = encoder.open(
        {
          compression: this.opts.compression,
          keyValueMetadata: this.opts.keyValueMetadata,
          rowGroupRows: this.#rowGroupRows,
          integerColumns: integerColumns(batch.schema),
        },
        await this.staging.createFile(this.stream, rel),
      );
      this.#open.set(key, file);
    }
    if (ipc) await file.append(ipc, batch.numRows, true);
    else await file.append(tableToIPC(new Table(batch), 'stream'), batch.numRows);
    // Parquet bytes appear only as row groups complete, so the size is estimated from the input.
    const estimated = Math.max(file.bytesOut, file.bytesIn * this.#ratio);
    if (estimated >= this.opts.targetSizeMb * 2 ** 20) this.#done.push(await this.#close(key));
  }

  async #close(key: string): Promise<CommittedFile> {
    const file = this.#open.get(key)!;
    this.#open.delete(key);
    const bytes = await file.close();
    if (file.bytesIn > 0) this.#ratio = bytes / file.bytesIn;
    return { stream: this.stream, path: file.file.path, rows: file.rows, bytes };
  }

  /** Closes every open file; returns all files written for the stream. */
  async finish(): Promise<CommittedFile[]> {
    // Closed together: each encoder thread finishes its file while the others finish theirs.
    this.#done.push(...(await Promise.all([...this.#open.keys()].map((key) => this.#close(key)))));
    return this.#done;
  }
}

const INTEGER_STORED = new Set([Type.Int, Type.Timestamp, Type.Date, Type.Time, Type.Duration]);

/** Top-level columns Parquet stores as INT32/INT64 (candidates for delta encoding). */
const integerColumns = (schema: Schema): string[] => schema.fields.filter((f) => INTEGER_STORED.has(f.typeId)).map((f) => f.name);

const columnsKeys = new WeakMap<Schema, string>();
const columnsKey = (schema: Schema): string => {
  let key = columnsKeys.get(schema);
  if (key === undefined) columnsKeys.set(schema, (key = schema.fields.map((f) => `${f.name}:${f.type}`).join('\0')));
  return key;
};
