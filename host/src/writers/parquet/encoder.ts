import * as pq from 'parquet-wasm/node';
import { writerProperties, type ParquetFileOptions } from './writer-properties.js';

/**
 * One Parquet file being encoded: Arrow IPC streams go in, Parquet bytes come out as
 * row groups complete (parquet-wasm's streaming writer), so a file never sits whole in
 * memory. Runs on the encoder thread.
 */
export class ParquetEncoder {
  #pending: Uint8Array[] = [];
  #closed = false;
  #wake: (() => void) | undefined;
  readonly done: Promise<void>;

  /**
   * @param onChunk receives the file's bytes in order
   * @param onTaken is given each appended IPC stream once the writer has copied it into
   *   parquet-wasm's memory (the sender's budget of bytes in flight; the bytes may be reused)
   */
  constructor(opts: ParquetFileOptions, onChunk: (bytes: Uint8Array) => void, onTaken: (ipc: Uint8Array) => void) {
    const input = new ReadableStream<pq.RecordBatch>(
      {
        // Pulled when the writer wants the next batch: backpressure reaches the sender.
        pull: async (controller) => {
          while (this.#pending.length === 0 && !this.#closed) await new Promise<void>((r) => (this.#wake = r));
          const ipc = this.#pending.shift();
          if (!ipc) return controller.close();
          const table = pq.Table.fromIPCStream(ipc);
          for (const batch of table.recordBatches()) controller.enqueue(batch);
          table.free();
          onTaken(ipc);
        },
      },
      { highWaterMark: 0 },
    );
    this.done = (async () => {
      const output = await pq.transformParquetStream(input, writerProperties(opts));
      for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) onChunk(chunk);
    })();
  }

  append(ipcStream: Uint8Array): void {
    this.#pending.push(ipcStream);
    this.#wakeUp();
  }

  /** No more input: the footer is written once the pending batches are encoded. */
  close(): Promise<void> {
    this.#closed = true;
    this.#wakeUp();
    return this.done;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
