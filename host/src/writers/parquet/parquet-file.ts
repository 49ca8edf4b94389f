import * as pq from 'parquet-wasm/node';
import type { StagedFile } from '../../targets/target.js';

export type ParquetCompression = 'snappy' | 'zstd' | 'uncompressed';

const CODEC: Record<ParquetCompression, pq.Compression> = {
  snappy: pq.Compression.SNAPPY,
  zstd: pq.Compression.ZSTD,
  uncompressed: pq.Compression.UNCOMPRESSED,
};

export interface ParquetFileOptions {
  compression: ParquetCompression;
  keyValueMetadata: Record<string, string>;
  rowGroupRows: number;
}

/**
 * One Parquet file being written: Arrow IPC batches go in, Parquet bytes stream out
 * into a staged file as row groups complete (parquet-wasm's streaming writer), so a
 * file never sits whole in memory.
 */
export class ParquetFile {
  #controller!: ReadableStreamDefaultController<pq.RecordBatch>;
  #pump: Promise<void>;
  rows = 0;
  /** Arrow IPC bytes appended, and Parquet bytes written so far (row groups completed). */
  bytesIn = 0;
  bytesOut = 0;

  constructor(readonly file: StagedFile, opts: ParquetFileOptions) {
    const props = new pq.WriterPropertiesBuilder()
      .setCompression(CODEC[opts.compression])
      .setMaxRowGroupSize(opts.rowGroupRows)
      .setCreatedBy('dativo-host')
      .setKeyValueMetadata(new Map(Object.entries(opts.keyValueMetadata)))
      .build();
    const input = new ReadableStream<pq.RecordBatch>({ start: (c) => void (this.#controller = c) }, { highWaterMark: 1 });
    this.#pump = (async () => {
      const output = await pq.transformParquetStream(input, props);
      for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) {
        await file.write(chunk);
        this.bytesOut += chunk.byteLength;
      }
    })();
    this.#pump.catch(() => undefined); // surfaced by close()
  }

  /** Appends one Arrow IPC stream (one or more record batches) to the file. */
  append(ipcStream: Uint8Array, rows: number): void {
    this.bytesIn += ipcStream.byteLength;
    const table = pq.Table.fromIPCStream(ipcStream);
    for (const batch of table.recordBatches()) this.#controller.enqueue(batch);
    table.free();
    this.rows += rows;
  }

  /** Finishes the file (footer included) and syncs it; returns its size in bytes. */
  async close(): Promise<number> {
    this.#controller.close();
    await this.#pump;
    return this.file.close();
  }
}
