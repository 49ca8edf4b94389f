import { Worker } from 'node:worker_threads';
import { workerScript } from '../threads/worker-script.js';
import type { GluePreload } from './protocol.js';

/**
 * Booted plugin workers, ready before they are needed: a worker thread (with its
 * preview2-shim I/O thread) takes tens of milliseconds to start, instantiating a
 * component in one takes a few. A worker serves exactly one instance and is never
 * reused, so no state passes from one plugin instance to another.
 *
 * A spare also loads, before it is claimed, the glue code of the component started last
 * (code only: no instance, no imports; see worker-main.ts), so starting that component
 * again does not wait for it.
 */

/** Heap ceiling of a plugin worker's JavaScript (the glue, not the guest's linear memory). */
const WORKER_HEAP_MB = 256;

/** How long a worker's termination may take before the host stops waiting for it. */
export const WORKER_STOP_MS = 5_000;

let abandoned = 0;
/**
 * Workers of this process given up on by stopWorker. While one is still stuck the
 * process cannot exit normally (Node joins every thread at exit): a one-shot process
 * (the CLI) can see it here and end itself another way.
 */
export const abandonedWorkers = (): number => abandoned;

/**
 * Terminates a worker, waiting at most `timeoutMs`: true once it has stopped, false if it
 * has not (a thread blocked in a system call, such as open() of a FIFO on the shim's I/O
 * thread, cannot be interrupted). Past the first wait `release` (if given) may unblock
 * what the thread waits on, and the wait is repeated once. A worker that still did not
 * stop is unref'd and abandoned, so the caller always carries on; the process itself
 * cannot exit while such a thread lives (see abandonedWorkers).
 */
export async function stopWorker(worker: Worker, timeoutMs = WORKER_STOP_MS, release?: () => void): Promise<boolean> {
  const exited = worker.terminate().then(() => true, () => true);
  let stopped = await within(exited, timeoutMs);
  if (!stopped && release) {
    release();
    stopped = await within(exited, timeoutMs);
  }
  if (!stopped) {
    abandoned++;
    worker.unref();
  }
  return stopped;
}

async function within(done: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  // Not unref'd: the wait (and the release after it) must happen even if nothing else
  // keeps the process alive; it is cleared as soon as the worker stops.
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([done, late]);
  clearTimeout(timer);
  return result;
}

function spawn(): Promise<Worker> {
  const entry = workerScript('runtime/worker-main.js');
  const worker = new Worker(entry.file, {
    eval: entry.eval,
    env: {}, // the plugin's thread sees no host environment; granted variables come through wasi:cli
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== 'booted') return;
      worker.off('error', reject);
      worker.off('message', onMessage);
      resolve(worker);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

export class WorkerPool {
  #idle: Promise<Worker>[] = [];
  #spares: number;
  #preload: (() => GluePreload | undefined) | undefined;

  /** spares: booted workers kept ready (0: every instance boots its own worker when it starts). */
  constructor(spares = 1) {
    this.#spares = spares;
  }

  /**
   * Sets how many booted workers are kept ready. A one-shot process (the CLI) keeps
   * none: a spare would be a thread and tens of MB started for nothing.
   */
  keepSpares(n: number): void {
    this.#spares = n;
    for (const p of this.#idle.splice(n)) void p.then((w) => stopWorker(w), () => undefined);
  }

  /**
   * A booted worker for a new instance; the pool starts booting its replacement, which
   * preloads the glue that `preload` names (the component being started, as a guess for
   * the next start).
   */
  take(preload?: () => GluePreload | undefined): Promise<Worker> {
    if (preload) this.#preload = preload;
    const next = this.#idle.shift() ?? this.#boot(false);
    while (this.#idle.length < this.#spares) this.#idle.push(this.#boot(true));
    return next.then((w) => (w.ref(), w));
  }

  #boot(spare: boolean): Promise<Worker> {
    const p = spawn().then((w) => {
      w.unref(); // an idle worker keeps no process alive
      const preload = spare ? this.#preload?.() : undefined;
      if (!preload) return w;
      w.postMessage({ type: 'preload', preload });
      return new Promise<Worker>((resolve, reject) => {
        const onMessage = (m: { type?: string }) => {
          if (m?.type !== 'preloaded') return;
          w.off('message', onMessage).off('error', reject);
          resolve(w);
        };
        w.on('message', onMessage).once('error', reject);
      });
    });
    p.catch(() => undefined);
    return p;
  }

  /**
   * Starts booting one worker now for an instance that is about to be started (the next
   * take() gets it), without keeping a spare after it: a one-shot process overlaps the
   * worker's boot with its own start-up.
   */
  prestart(): void {
    this.#idle.push(this.#boot(false));
  }

  /** Workers booted (or booting) and not yet taken. */
  get idle(): number {
    return this.#idle.length;
  }

  /** Resolves when the spares kept now are booted (and have preloaded): a start then waits for neither. */
  async whenReady(): Promise<void> {
    await Promise.all(this.#idle.map((p) => p.then(() => undefined, () => undefined)));
  }

  /** Stops the idle workers (at shutdown). */
  async drain(): Promise<void> {
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((p) => p.then((w) => stopWorker(w), () => undefined)));
  }
}

export const defaultWorkerPool = new WorkerPool(1);
