/**
 * postgres-reader's read alone (no validation, no Parquet): the bench table (seed.ts) read by
 * the plugin through the library API, each component given alternating (A B A B ...), wall
 * and process CPU (main + worker threads) per read; medians and B / A. With --prof DIR, one
 * more read of the first component in a child `node --cpu-prof` (every thread writes a
 * .cpuprofile), summarised per area and function as bench/profile.ts does. With --job DIR,
 * one whole job (the CLI, unbundled) under `node --cpu-prof` instead, profiles in DIR.
 *   npx tsx bench/postgres/profile.ts [--component A.wasm --component B.wasm] [--runs 3]
 *     [--batch-rows N] [--prof DIR] [--job DIR]       PG_ROWS sets the table size (2 M)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, loadPlugin, StaticSecretManager } from '../../dist/index.js';
import { writeManifest } from '../../test/helpers/fixtures.js';
import { buildBenchPlugins } from '../plugins.js';
import { summarise } from '../profile.js';
import { median, printTable } from '../report.js';
import { PG_COMPONENT, PG_ROWS } from './postgres.js';
import { PG_PASSWORD, PG_TABLE, PG_USER, seededServer } from './seed.js';
import { runDativoPg } from './tools.js';

const { values } = parseArgs({
  options: {
    component: { type: 'string', multiple: true },
    runs: { type: 'string', default: '3' },
    'batch-rows': { type: 'string' },
    prof: { type: 'string' },
    job: { type: 'string' },
    // Internal: one read against a running server (the profiled child).
    port: { type: 'string' },
  },
});
const components = values.component ?? [PG_COMPONENT];

/** One full read of the table: seconds, CPU seconds of this process, rows, Arrow bytes. */
async function readOnce(component: string, port: number) {
  const plugin = await loadPlugin({
    manifest: writeManifest(component, { name: 'postgres-reader', capabilities: { tcp: [`127.0.0.1:${port}`], secrets: ['pg_password'] }, limits: { memory_mb: 512, call_timeout_ms: 300000 } }),
    env: {},
    secrets: new StaticSecretManager({ pg_password: PG_PASSWORD }),
    logger: createLogger({ level: (process.env.PG_LOG_LEVEL ?? 'warn') as 'warn' }),
  });
  const reader = await plugin.openReader();
  const config = { host: '127.0.0.1', port, database: 'postgres', user: PG_USER, ...(values['batch-rows'] ? { batch_rows: Number(values['batch-rows']) } : {}) };
  const cpu = process.cpuUsage();
  const t = performance.now();
  let bytes = 0;
  let batches = 0;
  try {
    for await (const b of reader.read({ config, stream: PG_TABLE })) {
      bytes += b.bytes.byteLength;
      batches++;
    }
  } finally {
    await reader.close();
  }
  const used = process.cpuUsage(cpu);
  return { s: (performance.now() - t) / 1000, cpuS: (used.user + used.system) / 1e6, bytes, batches };
}

if (values.port) {
  const r = await readOnce(components[0]!, Number(values.port));
  console.log(JSON.stringify(r));
  process.exit(0);
}

if (!values.component) await buildBenchPlugins(['postgres-reader']);
const server = await seededServer(PG_ROWS);
/** Each thread's profile in `dir`: seconds per area, then the top functions. */
function printProfiles(dir: string): void {
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const s = summarise(join(dir, f), 15);
    console.log(`\n## ${f}: ${(s.totalMs / 1000).toFixed(2)} s profiled`);
    for (const [a, ms] of s.areas) if (ms >= 5) console.log(`${(ms / 1000).toFixed(2).padStart(7)} s  ${((100 * ms) / s.totalMs).toFixed(1).padStart(5)} %  ${a}`);
    for (const [fn, ms] of s.functions) console.log(`${ms.toFixed(0).padStart(7)} ms  ${fn}`);
  }
}

try {
  if (values.job) {
    rmSync(values.job, { recursive: true, force: true });
    const c = { port: server.port, work: join(values.job, 'work'), component: components[0]! };
    const r = runDativoPg(c, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values.job}`], unbundled: true });
    console.log(`profiled job: wall ${r.wallS} s, CPU ${r.cpuS.toFixed(2)} s, peak RSS ${r.rssMb.toFixed(0)} MB, ${r.rows} rows`);
    printProfiles(values.job);
  } else await abReads();
} finally {
  await server.stop();
}
process.exit(0);

/** The components' reads alternating, then (--prof) one profiled read of the first. */
async function abReads(): Promise<void> {
  const got = components.map(() => [] as Awaited<ReturnType<typeof readOnce>>[]);
  for (let i = 0; i < Number(values.runs); i++) for (const [k, c] of components.entries()) got[k]!.push(await readOnce(c, server.port));
  const rows = components.map((c, k) => ({
    case: `${String.fromCharCode(65 + k)} ${relative(join(import.meta.dirname, '..', '..'), c)}`,
    read_s: median(got[k]!.map((x) => x.s)),
    cpu_s: median(got[k]!.map((x) => x.cpuS)),
    rows_per_s: PG_ROWS / median(got[k]!.map((x) => x.s)),
    arrow_mb: got[k]![0]!.bytes / 2 ** 20,
    batches: got[k]![0]!.batches,
    reads: got[k]!.map((x) => x.s.toFixed(2)).join(' '),
  }));
  const ratios = rows.slice(1).map((r, k) => ({ case: `${String.fromCharCode(66 + k)} / A`, read_s: r.read_s / rows[0]!.read_s, cpu_s: r.cpu_s / rows[0]!.cpu_s }));
  printTable({ name: 'postgres-reader read alone', note: `${PG_ROWS.toLocaleString('en')} rows x 11 columns, median of ${values.runs} alternating reads (open to last batch; CPU: this process, main + worker threads)`, rows: [...rows, ...ratios] });
  if (values.prof) {
    rmSync(values.prof, { recursive: true, force: true });
    const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${values.prof}`, '--import', 'tsx', import.meta.filename, '--port', String(server.port), '--component', components[0]!, ...(values['batch-rows'] ? ['--batch-rows', values['batch-rows']] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    console.log(`\nprofiled read: ${r.stdout.trim()}`);
    printProfiles(values.prof);
  }
}
