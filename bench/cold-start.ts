/**
 * Cold start of a plugin, side by side for a Rust and a TypeScript component:
 * transpile (first load, empty cache), compile of the core modules, worker start,
 * first instantiate, and warm instantiate (modules compiled, cache warm): back to back
 * (the pool's spare worker is still booting when the next start asks for it), and
 * "ready" (the spare has booted and preloaded the glue, as between a service's jobs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
// The host as users run it: compiled JavaScript from dist/ (npm run build).
import { createLogger, loadPlugin } from '../dist/index.js';
import { defaultWorkerPool } from '../dist/runtime/worker-pool.js';
import { buildRustFixtures } from '../test/fixtures/rust/build.js';
import { buildTsFixtures } from '../test/fixtures/ts/build.js';
import { writeManifest } from '../test/helpers/fixtures.js';
import { median, type BenchResult } from './report.js';

const DOCKER_START_MS = 570; // published `docker run` start of a minimal container

async function measure(lang: string, component: string, runs: number): Promise<Record<string, number>> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'dativo-bench-cache-'));
  const logger = createLogger({ level: 'warn' });
  try {
    const manifest = writeManifest(component, { name: `bench-${lang}` });
    let t = performance.now();
    const plugin = await loadPlugin({ manifest, cacheDir, logger });
    const transpileMs = performance.now() - t;

    t = performance.now();
    const first = await plugin.instantiate();
    const firstStartMs = performance.now() - t;
    const firstInstantiateMs = first.instantiateMs;
    await first.terminate();

    const warmInstantiate: number[] = [];
    const warmStart: number[] = [];
    const phases: Record<string, number[]> = {};
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      const inst = await plugin.instantiate();
      warmStart.push(performance.now() - t);
      warmInstantiate.push(inst.instantiateMs);
      for (const [k, v] of Object.entries(inst.phases)) (phases[k] ??= []).push(v);
      await inst.terminate();
    }
    const readyStart: number[] = [];
    const readyInstantiate: number[] = [];
    for (let i = 0; i < runs; i++) {
      await defaultWorkerPool.whenReady();
      t = performance.now();
      const inst = await plugin.instantiate();
      readyStart.push(performance.now() - t);
      readyInstantiate.push(inst.instantiateMs);
      await inst.terminate();
    }
    const snake = (k: string) => k.replace(/Ms$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return {
      transpile_ms: transpileMs,
      first_start_ms: firstStartMs,
      first_instantiate_ms: firstInstantiateMs,
      warm_start_ms: median(warmStart),
      warm_instantiate_ms: median(warmInstantiate),
      ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [`warm_${snake(k)}_ms`, median(v)])),
      ready_start_ms: median(readyStart),
      ready_instantiate_ms: median(readyInstantiate),
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

const dockerRatios = (m: Record<string, number>) => ({
  docker_over_warm_instantiate: DOCKER_START_MS / m.warm_instantiate_ms!,
  docker_over_warm_start: DOCKER_START_MS / m.warm_start_ms!,
  docker_over_ready_start: DOCKER_START_MS / m.ready_start_ms!,
});

export async function coldStart(opts: { runs: number; buildDir: string }): Promise<BenchResult> {
  const rust = await buildRustFixtures(join(opts.buildDir, 'rust'));
  const ts = await buildTsFixtures(join(opts.buildDir, 'ts'));
  const r = await measure('rust', rust['probe-reader']!, opts.runs);
  const t = await measure('ts', ts['probe-reader']!, opts.runs);
  return {
    name: 'cold-start',
    note:
      'start = worker thread start + instantiate (what a job waits for); instantiate = inside the worker, core modules already compiled. ' +
      'warm = back to back (the spare still boots); ready = the spare booted and preloaded the glue; glue_preload = spent by the spare before it was claimed. ' +
      `Ratios against ${DOCKER_START_MS} ms for docker run.`,
    rows: [
      { case: 'rust', ...r, ...dockerRatios(r) },
      { case: 'ts', ...t, ...dockerRatios(t) },
      { case: 'ts/rust', warm_instantiate_ms: t.warm_instantiate_ms! / r.warm_instantiate_ms!, warm_start_ms: t.warm_start_ms! / r.warm_start_ms!, ready_start_ms: t.ready_start_ms! / r.ready_start_ms! },
    ],
  };
}
