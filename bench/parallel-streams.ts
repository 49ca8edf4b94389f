/**
 * `npx tsx bench/parallel-streams.ts` (after `npm run build`): one job of 4 streams of the
 * 2 M-row orders CSV each, through the CLI, with max_parallel_streams 1 (sequential), 2
 * and 4; wall time and peak RSS (GNU time) per setting, median of BENCH_RUNS (default 3).
 * Target: parallel >= 1.7x faster than sequential on 2 cores, RSS within the documented
 * budget (docs/operations.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { median, printTable } from './report.js';

const REPO = join(import.meta.dirname, '..');
const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STREAMS = 4;
const work = join(REPO, 'test', '.build', 'bench-data', 'parallel-streams');

const csv = join(REPO, 'test', '.build', 'bench-data', 'csv', `orders-${ROWS}.csv`);
if (!existsSync(csv)) {
  mkdirSync(join(csv, '..'), { recursive: true });
  execFileSync(process.execPath, [join(REPO, 'examples/generate-orders.mjs'), '--rows', String(ROWS), '--out', csv], { stdio: 'inherit' });
}

// Four contract objects like orders, each stream reading its own folder (a hard link of the CSV).
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const orders = parse(readFileSync(join(REPO, 'examples/contracts/orders.odcs.yaml'), 'utf8')) as { schema: { name: string }[] };
const names = Array.from({ length: STREAMS }, (_, i) => `orders_${i + 1}`);
writeFileSync(join(work, 'contract.odcs.yaml'), stringify({ ...orders, schema: names.map((name) => ({ ...orders.schema[0]!, name })) }));
for (const name of names) {
  mkdirSync(join(work, 'data', name), { recursive: true });
  linkSync(csv, join(work, 'data', name, 'orders.csv'));
}

function runOnce(parallel: number): { wallS: number; rssMb: number; records: number } {
  const dir = join(work, `p${parallel}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const job = join(dir, 'job.yaml');
  writeFileSync(
    job,
    stringify({
      tenant_id: 'bench',
      job_name: `parallel-${parallel}`,
      source_connector: 'csv',
      target_connector: 'local',
      asset_path: join(work, 'contract.odcs.yaml'),
      source: { objects: names.map((name) => ({ name, files: [join(work, 'data', name, 'orders.csv')] })) },
      target: { connection: { local: { path: join(dir, 'out') } }, compression: 'snappy' },
      state: { path: join(dir, 'state') },
      max_parallel_streams: parallel,
    }),
  );
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(REPO, 'bin/dativo-host.mjs'), 'run', job, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, DATIVO_LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`run failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [wall, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const records = (JSON.parse(r.stdout) as { records: number }).records;
  rmSync(join(dir, 'out'), { recursive: true, force: true });
  return { wallS: wall!, rssMb: rssKb! / 1024, records };
}

const settings = [1, 2, 4];
const results = new Map<number, { wallS: number[]; rssMb: number[] }>(settings.map((p) => [p, { wallS: [], rssMb: [] }]));
for (let i = 0; i < RUNS; i++) {
  for (const p of settings) {
    const r = runOnce(p);
    if (r.records !== STREAMS * ROWS) throw new Error(`max_parallel_streams ${p}: ${r.records} records, expected ${STREAMS * ROWS}`);
    results.get(p)!.wallS.push(r.wallS);
    results.get(p)!.rssMb.push(r.rssMb);
  }
}
const seq = median(results.get(1)!.wallS);
printTable({
  name: 'parallel-streams',
  note: `${STREAMS} streams x ${ROWS.toLocaleString('en-US')} rows, ${cpus().length} cores, median of ${RUNS}; speed-up = sequential wall / wall`,
  rows: settings.map((p) => {
    const r = results.get(p)!;
    return { max_parallel_streams: p, wall_s: median(r.wallS), peak_rss_mb: median(r.rssMb), speed_up: seq / median(r.wallS) };
  }),
});
