/**
 * Records/s of a TypeScript (componentize-js) reader producing JSON Lines, side by side
 * with the Rust probe reader doing the same: the probe fixtures' `emit` action
 * (test/fixtures/{ts,rust}/probe-reader), rows {"n":i}, i.e. ONE column. A 5-column
 * emitter through the TypeScript SDK is issue 5's work; the fixtures are not edited here.
 * Timed: open to last batch, batches transferred to the host, no validation or writing.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger, loadPlugin, type LoadedPlugin } from '../dist/index.js';
import { buildRustFixtures } from '../test/fixtures/rust/build.js';
import { buildTsFixtures } from '../test/fixtures/ts/build.js';
import { writeManifest } from '../test/helpers/fixtures.js';
import { median, type BenchResult } from './report.js';

async function emit(plugin: LoadedPlugin, count: number, batchRows: number): Promise<{ s: number; bytes: number }> {
  const reader = await plugin.openReader();
  try {
    let bytes = 0;
    const t = performance.now();
    for await (const b of reader.read({ config: { action: 'emit', count, batch_rows: batchRows }, stream: 'probe' })) bytes += b.bytes.byteLength;
    return { s: (performance.now() - t) / 1000, bytes };
  } finally {
    await reader.close();
  }
}

export async function tsPlugin(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const runs = opts.runs ?? 3;
  const count = Number(process.env.TS_PLUGIN_ROWS ?? 500_000);
  const logger = createLogger({ level: 'warn' });
  const rust = await buildRustFixtures(join(opts.buildDir, 'rust'));
  const ts = await buildTsFixtures(join(opts.buildDir, 'ts'));
  const plugins = {
    ts: await loadPlugin({ manifest: writeManifest(ts['probe-reader']!, { name: 'bench-ts' }), logger }),
    rust: await loadPlugin({ manifest: writeManifest(rust['probe-reader']!, { name: 'bench-rust' }), logger }),
  };
  const rows: Record<string, string | number>[] = [];
  for (const batchRows of [1_000, 10_000]) {
    const s: Record<'ts' | 'rust', number[]> = { ts: [], rust: [] };
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      for (const lang of ['ts', 'rust'] as const) {
        const r = await emit(plugins[lang], count, batchRows);
        s[lang].push(r.s);
        bytes = r.bytes;
      }
    }
    const ts_s = median(s.ts);
    const rust_s = median(s.rust);
    rows.push({
      case: `batch_rows ${batchRows.toLocaleString('en')}`,
      ts_records_per_s: count / ts_s,
      ts_mb_per_s: bytes / 2 ** 20 / ts_s,
      rust_records_per_s: count / rust_s,
      rust_mb_per_s: bytes / 2 ** 20 / rust_s,
      rust_over_ts: ts_s / rust_s,
    });
  }
  return {
    name: 'ts-plugin',
    note:
      `probe reader action emit: ${count.toLocaleString('en')} JSON Lines records of ONE column {"n":i}; median of ${runs}. ` +
      'A 5-column TypeScript emitter (SDK) is issue 5: not measured here.',
    rows,
  };
}
