import { WasmParquetFile } from './wasm-encoder.js';
import type { ParquetFileOptions } from './writer-properties.js';

/**
 * One Parquet file being encoded: Arrow IPC streams go in, Parquet bytes come out as
 * row groups complete, so a file never sits whole in memory. Runs on the encoder thread.
 */
export class ParquetEncoder {
  #file: WasmParquetFile | undefined;
  #failed: ((e: unknown) => void) | undefined;
  #finished: (() => void) | undefined;
  /** Settles when the file is complete, or rejects with the first failure. */
  readonly done: Promise<void>;

  /**
   * @param onChunk receives the file's bytes in order
   * @param onTaken is given each appended IPC stream once it is encoded (the sender's
   *   budget of bytes in flight; the bytes may be reused)
   */
  constructor(
    opts: ParquetFileOptions,
    private readonly onChunk: (bytes: Uint8Array) => void,
    private readonly onTaken: (ipc: Uint8Array) => void,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#finished = resolve;
      this.#failed = reject;
    });
    this.#run(() => (this.#file = new WasmParquetFile(opts)));
  }

  append(ipcStream: Uint8Array): void {
    this.#run(() => {
      const bytes = this.#file?.append(ipcStream);
      if (bytes) this.onChunk(bytes);
    });
    this.onTaken(ipcStream);
  }

  /** No more input: the footer is written. */
  close(): Promise<void> {
    this.#run(() => {
      const file = this.#file;
      this.#file = undefined;
      if (!file) return;
      const bytes = file.close();
      if (bytes) this.onChunk(bytes);
      this.#finished?.();
    });
    return this.done;
  }

  #run(step: () => void): void {
    if (!this.#failed) return; // failed before: later input is dropped
    try {
      step();
    } catch (e) {
      this.#file?.free();
      this.#file = undefined;
      const fail = this.#failed;
      this.#failed = undefined;
      fail(e);
    }
  }
}
