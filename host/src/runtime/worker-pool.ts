import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Booted plugin workers, ready before they are needed: a worker thread (with its
 * preview2-shim I/O thread) takes tens of milliseconds to start, instantiating a
 * component in one takes a few. A worker serves exactly one instance and is never
 * reused, so no state passes from one plugin instance to another.
 */

/** Heap ceiling of a plugin worker's JavaScript (the glue, not the guest's linear memory). */
const WORKER_HEAP_MB = 256;

/**
 * The worker's entry. From dist/ it is worker-main.js; when the sources run as
 * TypeScript (vitest, tsx) the worker first registers tsx's loader, then imports the .ts.
 */
function workerEntry(): { file: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { file: new URL('./worker-main.js', import.meta.url), eval: false };
  // tsx's `--import tsx` loader does not register inside workers; its API does.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const main = new URL('./worker-main.ts', import.meta.url).href;
  return { file: `import(${JSON.stringify(tsxApi)}).then((m) => m.register()).then(() => import(${JSON.stringify(main)}));`, eval: true };
}

function spawn(): Promise<Worker> {
  const entry = workerEntry();
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
  constructor(private readonly size = 1) {}

  /** A booted worker for a new instance; the pool starts booting its replacement. */
  take(): Promise<Worker> {
    const next = this.#idle.shift() ?? this.#boot();
    while (this.#idle.length < this.size) this.#idle.push(this.#boot());
    return next.then((w) => (w.ref(), w));
  }

  #boot(): Promise<Worker> {
    const p = spawn().then((w) => (w.unref(), w)); // an idle worker keeps no process alive
    p.catch(() => undefined);
    return p;
  }

  /** Stops the idle workers (at shutdown). */
  async drain(): Promise<void> {
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((p) => p.then((w) => w.terminate(), () => undefined)));
  }
}

export const defaultWorkerPool = new WorkerPool(1);
