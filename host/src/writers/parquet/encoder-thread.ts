import { Worker } from 'node:worker_threads';
import { workerScript } from '../../threads/worker-script.js';
import type { StagedFile } from '../../targets/target.js';
import type { EncoderEvent, EncoderRequest } from './encoder-protocol.js';
import type { ParquetFileOptions } from './writer-properties.js';
import { BufferPool } from './buffer-pool.js';
import { compileEncoderModule, encoderModule } from './wasm-encoder.js';

/** IPC bytes sent to the encoder and not yet taken by it, per file: bounds the memory between the threads. */
const IN_FLIGHT_BYTES = 4 * 2 ** 20;

/**
 * The main thread's side of one Parquet encoder thread (a run has ParquetEncoderThreads):
 * the worker encodes the files given to it; their Parquet bytes come back (transferred,
 * not copied) and are written to the staged files here, where the target lives.
 */
export class ParquetEncoderThread {
  readonly #worker: Worker;
  readonly #files = new Map<number, EncodedFile>();
  #next = 0;
  #failure: Error | undefined;

  /**
   * @param buffers where the IPC buffers the encoder has taken are handed back
   * @param encoderModule the compiled encoder module, shared (else the thread compiles it)
   */
  constructor(private readonly buffers?: BufferPool, encoderModule?: WebAssembly.Module) {
    const script = workerScript('writers/parquet/encoder-worker.js');
    this.#worker = new Worker(script.file, { eval: script.eval, workerData: { encoderModule } });
    this.#worker.unref(); // open files keep the process alive, an idle encoder does not
    this.#worker.on('message', (e: EncoderEvent) => this.#files.get(e.file)?.receive(e));
    this.#worker.on('error', (e) => this.#fail(e));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the Parquet encoder thread exited (code ${code})`)));
  }

  open(options: ParquetFileOptions, staged: StagedFile): EncodedFile {
    if (this.#failure) throw this.#failure;
    const id = this.#next++;
    const forget = () => {
      if (this.#files.delete(id) && this.#files.size === 0) this.#worker.unref();
    };
    const file = new EncodedFile(staged, (m, transfer) => this.#worker.postMessage(m, transfer), forget, id, (b) => this.buffers?.put(b));
    this.#files.set(id, file);
    this.#worker.ref();
    this.#worker.postMessage({ type: 'open', file: id, options } satisfies EncoderRequest);
    return file;
  }

  async terminate(): Promise<void> {
    this.#failure ??= new Error('the Parquet encoder thread was stopped');
    await this.#worker.terminate();
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    for (const f of this.#files.values()) f.receive({ type: 'failed', file: -1, message: e.message });
  }
}

/**
 * A run's encoder threads, each started when a file is first given to it, or ahead of
 * that by prestart (the first) and warm (the rest).
 */
export class ParquetEncoderThreads {
  readonly #threads: (ParquetEncoderThread | undefined)[];
  /** Buffers for the IPC streams sent to the threads, handed back by them. */
  readonly buffers = new BufferPool();
  #terminated = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`encoder threads: ${size} is not a positive integer`);
    this.#threads = new Array<ParquetEncoderThread | undefined>(size).fill(undefined);
  }

  /**
   * Compiles the encoder module off the main thread and starts the first thread with it,
   * while the run's reader starts: the first batch then finds an encoder instantiated
   * (was: ~0.1 s of compiling, booting and instantiating after it arrived).
   */
  prestart(): void {
    compileEncoderModule().then(
      () => {
        if (!this.#terminated) this.at(0);
      },
      () => undefined, // not built: encoderModule() says so when the first file needs it
    );
  }

  /** Starts every thread now (a stream about to spread over them). */
  warm(): void {
    for (let i = 0; i < this.size && !this.#terminated; i++) this.at(i);
  }

  /** How many threads are running. */
  get started(): number {
    return this.#threads.filter(Boolean).length;
  }

  /** Thread `i` (modulo the size). */
  at(i: number): ParquetEncoderThread {
    const k = i % this.size;
    return (this.#threads[k] ??= new ParquetEncoderThread(this.buffers, encoderModule()));
  }

  async terminate(): Promise<void> {
    this.#terminated = true;
    await Promise.all(this.#threads.map((t) => t?.terminate()));
  }
}

/** One Parquet file written through the encoder thread into a staged file. */
export class EncodedFile {
  rows = 0;
  /** Arrow IPC bytes appended, and Parquet bytes written so far (row groups completed). */
  bytesIn = 0;
  bytesOut = 0;
  #inFlight = 0;
  #room: (() => void) | undefined;
  #writes: Promise<void> = Promise.resolve();
  #closed: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #error: Error | undefined;

  constructor(
    readonly file: StagedFile,
    private readonly send: (m: EncoderRequest, transfer?: ArrayBuffer[]) => void,
    private readonly forget: () => void,
    private readonly id: number,
    private readonly recycle: (buffer: ArrayBuffer) => void = () => {},
  ) {}

  /**
   * Appends one Arrow IPC stream; its buffer is transferred to the encoder (the caller
   * must not use it again). `owned`: the whole buffer is the caller's to give, even when
   * `ipc` views only part of it (otherwise such a view is copied first). Resolves once
   * the encoder has room for more.
   */
  async append(ipc: Uint8Array, rows: number, owned = false): Promise<void> {
    if (this.#error) throw this.#error;
    this.bytesIn += ipc.byteLength;
    this.rows += rows;
    this.#inFlight += ipc.byteLength;
    const own = owned || (ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength) ? ipc : ipc.slice();
    this.send({ type: 'append', file: this.id, ipc: own }, [own.buffer as ArrayBuffer]);
    while (this.#inFlight > IN_FLIGHT_BYTES && !this.#error) await new Promise<void>((r) => (this.#room = r));
    if (this.#error) throw this.#error;
  }

  /** Finishes the file (footer included) and syncs it; returns its size in bytes. */
  async close(): Promise<number> {
    if (this.#error) throw this.#error;
    const closed = new Promise<void>((resolve, reject) => (this.#closed = { resolve, reject }));
    this.send({ type: 'close', file: this.id });
    await closed;
    await this.#writes;
    return this.file.close();
  }

  receive(e: EncoderEvent): void {
    switch (e.type) {
      case 'chunk':
        this.bytesOut += e.bytes.byteLength;
        this.#writes = this.#writes.then(() => this.file.write(e.bytes));
        this.#writes.catch((err: Error) => this.#failWith(err));
        return;
      case 'taken':
        if (e.buffer) this.recycle(e.buffer);
        this.#inFlight -= e.bytes;
        if (this.#inFlight <= IN_FLIGHT_BYTES) this.#wake();
        return;
      case 'closed':
        this.forget();
        this.#closed?.resolve();
        return;
      case 'failed':
        this.#failWith(new Error(`Parquet encoding of ${this.file.path} failed: ${e.message}`));
    }
  }

  #failWith(e: Error): void {
    this.#error ??= e;
    this.forget();
    this.#wake();
    this.#closed?.reject(this.#error);
  }

  #wake(): void {
    const room = this.#room;
    this.#room = undefined;
    room?.();
  }
}
