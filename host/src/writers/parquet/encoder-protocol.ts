import type { ParquetFileOptions } from './writer-properties.js';

/** Main thread -> encoder thread. */
export type EncoderRequest =
  | { type: 'open'; file: number; options: ParquetFileOptions }
  | { type: 'append'; file: number; ipc: Uint8Array }
  | { type: 'close'; file: number };

/** Encoder thread -> main thread. */
export type EncoderEvent =
  | { type: 'chunk'; file: number; bytes: Uint8Array }
  | { type: 'taken'; file: number; bytes: number; buffer?: ArrayBuffer }
  | { type: 'closed'; file: number }
  | { type: 'failed'; file: number; message: string };
