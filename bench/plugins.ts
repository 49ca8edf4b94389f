/**
 * The shipped plugins the bench's jobs run (the csv connector's csv-reader) and the host's
 * Parquet encoder module, built from source before any case runs, as the test setup does: a
 * fresh checkout would otherwise stop with PLUGIN_NOT_BUILT or PARQUET_ENCODER_NOT_BUILT.
 * Both are cached by source, so a rerun builds nothing.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildPlugin } from '../dist/index.js';

const REPO = join(import.meta.dirname, '..');

export const BENCH_PLUGINS = ['csv-reader'];

export async function buildBenchPlugins(names: string[] = BENCH_PLUGINS): Promise<void> {
  const log = (s: string) => process.stderr.write(`[bench plugins] ${s}\n`);
  execFileSync('bash', [join(REPO, '.ci', 'install-parquet-encoder.sh')], { stdio: ['ignore', 2, 2] });
  for (const name of names) {
    const t = performance.now();
    const r = await buildPlugin(join(REPO, 'plugins-rust', name), { log });
    if (r.built) log(`${name} built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
}
