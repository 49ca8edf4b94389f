/**
 * Measures the TypeScript SDK's JSON Lines batch path through the real host: builds
 * plugins-ts/bench-reader (cached), loads it with loadPlugin, reads N 5-column records
 * with reader.read and counts rows (newlines) on the host side.
 *
 *   npx tsx plugins-ts/bench-reader/measure.ts [--rows 500000] [--batch 10000] [--modes row-encoder,template] [--runs 3]
 */
import { join } from 'node:path';
import { buildPlugin } from '../../host/src/build/build-plugin.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const rows = Number(opt('rows', '500000'));
const batchRows = Number(opt('batch', '10000'));
const runs = Number(opt('runs', '3'));
const modes = opt('modes', 'object-add,object-add-all,template,stringify-join,encode-only,constant').split(',');

const started = Date.now();
const built = await buildPlugin(join(import.meta.dirname), { log: (l) => (l.startsWith('{') ? undefined : process.stderr.write(`[build] ${l}\n`)) });
process.stderr.write(`[build] ${built.built ? 'built' : 'up to date'} in ${Date.now() - started} ms\n`);

const plugin = await loadPlugin({ manifest: built.manifest, env: {}, logger: createLogger({ destination: new MemoryLogDestination(), level: 'warn' }) });

console.log(`rows=${rows} batch=${batchRows} runs=${runs} (best of runs; rows counted on the host)`);
for (const mode of modes) {
  const t0 = performance.now();
  const reader = await plugin.openReader();
  const startMs = performance.now() - t0;
  let best = Infinity;
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    let count = 0;
    bytes = 0;
    const t = performance.now();
    for await (const b of reader.read({ config: { rows, batch_rows: batchRows, mode }, stream: 'bench' })) {
      bytes += b.bytes.byteLength;
      for (let i = 0; i < b.bytes.length; i++) if (b.bytes[i] === 10) count++;
    }
    const ms = performance.now() - t;
    if (count !== rows) throw new Error(`${mode}: expected ${rows} rows, counted ${count}`);
    best = Math.min(best, ms);
  }
  await reader.close();
  const rps = Math.round(rows / (best / 1000));
  console.log(`${mode.padEnd(15)} ${String(rps).padStart(10)} records/s  ${(best / 1000).toFixed(3)} s  ${(bytes / 1e6).toFixed(1)} MB  (instance start ${startMs.toFixed(0)} ms)`);
}
