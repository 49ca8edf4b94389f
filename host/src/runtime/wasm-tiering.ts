import { setFlagsFromString } from 'node:v8';

/**
 * V8 compiles wasm with its baseline compiler first and recompiles a function with
 * TurboFan, on a background thread, once it has run for a "tiering budget" (1.8 M by
 * default, tuned for web pages). A job runs few functions very hot for seconds: the
 * default also recompiles hundreds of lukewarm ones (csv-reader's and parquet-wasm's),
 * ~0.4 s of TurboFan CPU per run competing for the cores with the pipeline's threads.
 * A budget of 20 M still optimises the hot loops within milliseconds.
 * Measured on the 2 M-row benchmark job (median of 3, 2 cores): wall 1.54 -> 1.47 s,
 * CPU 2.76 -> 2.62 s; the 10 M-row job was not slower.
 *
 * Process-wide, and only for wasm compiled after the call: the CLI calls it first thing;
 * a program embedding the host may call it before its first job. A budget given on
 * node's command line (`node --wasm-tiering-budget=N`) is left as it is.
 */
export function tuneWasmTiering(budget = 20_000_000): void {
  if (process.execArgv.some((a) => a.startsWith('--wasm-tiering-budget'))) return;
  setFlagsFromString(`--wasm-tiering-budget=${budget}`);
}
