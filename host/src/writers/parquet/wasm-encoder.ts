import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError } from '../../errors/host-error.js';
import { packageRoot } from '../../package-root.js';
import type { ParquetFileOptions } from './writer-properties.js';

/**
 * The encoder module, built from host/native/parquet-encoder by .ci/install-parquet-encoder.sh
 * into dist/ (beside the compiled host, so the package ships it with the rest of dist/).
 */
export const ENCODER_WASM = join(packageRoot, 'dist', 'parquet-encoder', 'parquet_encoder.wasm');

/**
 * A dictionary page this small makes a high-cardinality column (ids, timestamps) give
 * up on its dictionary after a few thousand values instead of hashing a whole row
 * group into a 1 MiB page first; low-cardinality columns (categories, names) still fit.
 * Measured on the 2 M-row orders file: writing 1.5 s -> 0.85 s, file 44 -> 37 MB.
 */
const DICTIONARY_PAGE_BYTES = 64 * 1024;

interface Exports {
  memory: WebAssembly.Memory;
  pe_input(len: number): number;
  pe_open(): number;
  pe_append(file: number): number;
  pe_take(file: number): number;
  pe_output(file: number): number;
  pe_clear(file: number): void;
  pe_close(file: number): number;
  pe_free(file: number): void;
  pe_error(): number;
  pe_error_len(): number;
}

let compiled: WebAssembly.Module | undefined;
let instance: Exports | undefined;

/**
 * The compiled encoder module, once per thread. The main thread compiles it once and hands
 * it to each encoder thread (useEncoderModule): threads of one process then share its code,
 * and the optimising tier's work on it (~0.3 s CPU per compile of this 5.5 MB module).
 */
export function encoderModule(): WebAssembly.Module {
  if (compiled) return compiled;
  if (!existsSync(ENCODER_WASM)) {
    throw new HostError('PARQUET_ENCODER_NOT_BUILT', 'host', `the Parquet encoder ${ENCODER_WASM} is not built: run bash .ci/install-parquet-encoder.sh`);
  }
  return (compiled = new WebAssembly.Module(readFileSync(ENCODER_WASM)));
}

let compiling: Promise<WebAssembly.Module> | undefined;

/**
 * Compiles the module off the main thread (WebAssembly.compile), for a run to start while
 * its reader starts; encoderModule() returns it from then on. Rejects if it is not built
 * (encoderModule() then throws PARQUET_ENCODER_NOT_BUILT where a file needs it).
 */
export function compileEncoderModule(): Promise<WebAssembly.Module> {
  compiling ??= compiled ? Promise.resolve(compiled) : readFile(ENCODER_WASM).then((bytes) => WebAssembly.compile(bytes)).then((m) => (compiled ??= m));
  return compiling;
}

export function useEncoderModule(module: WebAssembly.Module): void {
  compiled ??= module;
}

/** Instantiates the thread's encoder now, ahead of its first file. */
export function warmEncoder(): void {
  encoder();
}

/** The thread's one instance of the encoder module (every file it encodes shares it). */
function encoder(): Exports {
  instance ??= new WebAssembly.Instance(encoderModule(), {}).exports as unknown as Exports;
  return instance;
}

/**
 * One Parquet file encoded by the module: each `append` takes an Arrow IPC stream and
 * returns the file's bytes completed by it (a row group's worth, or none yet); `close`
 * returns the rest, footer included. Integer-stored columns are DELTA_BINARY_PACKED
 * without a dictionary (see docs/BENCHMARKS.md, wide-csv); the rest keep the defaults.
 */
export class WasmParquetFile {
  readonly #pe = encoder();
  #handle = 0;

  constructor(opts: ParquetFileOptions) {
    const json = JSON.stringify({
      compression: opts.compression,
      rowGroupRows: opts.rowGroupRows,
      dictionaryPageBytes: DICTIONARY_PAGE_BYTES,
      createdBy: 'dativo-host',
      keyValueMetadata: Object.entries(opts.keyValueMetadata),
      integerColumns: opts.integerColumns,
    });
    this.#input(new TextEncoder().encode(json));
    this.#handle = this.#check(this.#pe.pe_open());
  }

  append(ipc: Uint8Array): Uint8Array | undefined {
    return this.#call(() => {
      this.#input(ipc);
      this.#check(this.#pe.pe_append(this.#handle));
      return this.#output();
    });
  }

  close(): Uint8Array | undefined {
    try {
      return this.#call(() => {
        this.#check(this.#pe.pe_close(this.#handle));
        return this.#output();
      });
    } finally {
      this.free();
    }
  }

  /** A trap (a panic in the module) leaves its state unknown: later files get a new instance. */
  #call<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      if (instance === this.#pe) instance = undefined;
      this.#handle = 0;
      throw new Error(`the Parquet encoder module trapped (${e.message})`);
    }
  }

  /** Releases the file's memory in the module (also after a failure). */
  free(): void {
    if (this.#handle) this.#pe.pe_free(this.#handle);
    this.#handle = 0;
  }

  #input(bytes: Uint8Array): void {
    const at = this.#pe.pe_input(bytes.byteLength);
    new Uint8Array(this.#pe.memory.buffer, at, bytes.byteLength).set(bytes);
  }

  /** The bytes the last call completed, copied out of the module's memory. */
  #output(): Uint8Array | undefined {
    const n = this.#pe.pe_take(this.#handle);
    if (n === 0) return undefined;
    const bytes = new Uint8Array(this.#pe.memory.buffer, this.#pe.pe_output(this.#handle), n).slice();
    this.#pe.pe_clear(this.#handle);
    return bytes;
  }

  #check(result: number): number {
    if (result !== 0) return result;
    const message = new TextDecoder().decode(new Uint8Array(this.#pe.memory.buffer, this.#pe.pe_error(), this.#pe.pe_error_len()));
    this.free();
    throw new Error(message);
  }
}
