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

/**
 * The same for JavaScript: V8 optimises a function with TurboFan (on a background thread)
 * once it has used its interrupt budget (66 KiB of bytecode by default) a few times. A job's
 * threads each run the host's per-batch code (Arrow IPC decoding, flatbuffers, the
 * component glue) in their own isolate, so every isolate recompiled the same hundred-odd
 * functions, ~0.25 s of CPU per run on 2 cores. Eight times the budget still optimises
 * what runs all run long. Measured (bench/ab.ts, --b-node=--interrupt-budget=540672,
 * medians of 9): wide CPU 4.90 -> 4.64 s, orders 2.95 -> 2.79 s; wall 0.98x and 0.93x.
 * Process-wide, for the isolates started after the call (the CLI calls it first thing);
 * a budget given on node's command line is left as it is.
 */
export function tuneJsTiering(budget = 540_672): void {
  if (process.execArgv.some((a) => a.startsWith('--interrupt-budget'))) return;
  setFlagsFromString(`--interrupt-budget=${budget}`);
}
