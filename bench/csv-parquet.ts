/**
 * CSV -> Parquet through the example job's path (Rust csv-reader in the sandbox, contract
 * validation, parquet-wasm, atomic commit), measured as a user runs it: the CLI in its
 * own process, wall time and peak RSS from GNU time. At 2 M and 10 M rows: peak RSS must
 * stay flat as the input grows (bounded queue, streaming Parquet writer).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, type BenchResult } from './report.js';

const REPO = join(import.meta.dirname, '..');

export function ordersCsv(dataDir: string, rows: number): string {
  const file = join(dataDir, `orders-${rows}.csv`);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    execFileSync(process.execPath, [join(REPO, 'examples/generate-orders.mjs'), '--rows', String(rows), '--out', file], { stdio: 'inherit' });
  }
  return file;
}

/** Runs the CSV -> Parquet job once; returns wall seconds, peak RSS (MB) and output size. */
export function runCsvToParquet(csv: string, work: string): { wallS: number; rssMb: number; outMb: number } {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const job = join(work, 'job.yaml');
  writeFileSync(
    job,
    [
      'tenant_id: bench',
      'source_connector: csv',
      'target_connector: local',
      `asset_path: ${join(REPO, 'examples/contracts/orders.odcs.yaml')}`,
      `source: { files: [${csv}], objects: [orders] }`,
      'target: { connection: { local: { path: out } }, compression: snappy }',
      'state: { path: state }',
    ].join('\n'),
  );
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(REPO, 'bin/dativo-host.mjs'), 'run', job, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, DATIVO_LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`run failed: ${r.stderr.slice(-2000)}`);
  const [wall, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const summary = JSON.parse(r.stdout) as { bytesWritten: number; records: number };
  return { wallS: wall!, rssMb: rssKb! / 1024, outMb: summary.bytesWritten / 2 ** 20 };
}

export async function csvParquetRss(opts: { runs: number; buildDir: string }): Promise<BenchResult> {
  const dataDir = join(opts.buildDir, 'bench-data');
  const rows = [];
  const runs = Math.max(1, Math.min(opts.runs, 3));
  for (const n of [2_000_000, 10_000_000]) {
    const csv = ordersCsv(dataDir, n);
    const results = Array.from({ length: runs }, () => runCsvToParquet(csv, join(dataDir, `work-${n}`)));
    const wall = median(results.map((x) => x.wallS));
    rows.push({
      case: `${n / 1e6} M rows`,
      csv_mb: statSync(csv).size / 2 ** 20,
      wall_s: wall,
      rows_per_s: n / wall,
      peak_rss_mb: median(results.map((x) => x.rssMb)),
      parquet_mb: results[0]!.outMb,
    });
  }
  const [a, b] = rows as { peak_rss_mb: number }[];
  rows.push({ case: '10 M / 2 M', peak_rss_mb: b!.peak_rss_mb / a!.peak_rss_mb });
  return { name: 'csv-parquet-rss', note: `median of ${runs} run(s) each; target: peak RSS at 10 M within 10 % of 2 M`, rows };
}
