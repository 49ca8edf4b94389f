/**
 * CSV -> Parquet through the example job's path (Rust csv-reader in the sandbox, contract
 * validation, parquet-wasm, atomic commit), measured as a user runs it: the CLI in its
 * own process, wall time and peak RSS from GNU time.
 * - csv-parquet: 2 M rows, side by side with DuckDB (COPY ... TO parquet, 2 threads) run
 *   in its own process (bench/duckdb-copy.mjs), also under GNU time.
 * - csv-parquet-rss: 2 M and 10 M rows: peak RSS must stay flat as the input grows
 *   (bounded queue, streaming Parquet writer).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, type BenchResult } from './report.js';

const REPO = join(import.meta.dirname, '..');

/** The orders CSV of `rows` rows, in a folder of its own (a job's target must not overlap its reader's folder). */
export function ordersCsv(dataDir: string, rows: number): string {
  const file = join(dataDir, 'csv', `orders-${rows}.csv`);
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'csv'), { recursive: true });
    execFileSync(process.execPath, [join(REPO, 'examples/generate-orders.mjs'), '--rows', String(rows), '--out', file], { stdio: 'inherit' });
  }
  return file;
}

/** Runs the CSV -> Parquet job once; returns wall seconds, peak RSS (MB) and output size. */
/**
 * The CLI as users run it (bin/, the bundle), or `unbundled`: the same CLI from dist/'s
 * modules (bench/cli-unbundled.mjs), so that a CPU profile names each frame's package.
 */
const cliArgs = (unbundled: boolean): string[] => [join(REPO, unbundled ? 'bench/cli-unbundled.mjs' : 'bin/dativo-host.mjs')];

export function runCsvToParquet(csv: string, work: string, opts: { nodeArgs?: string[]; unbundled?: boolean } = {}): { wallS: number; rssMb: number; outMb: number } {
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
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...(opts.nodeArgs ?? []), ...cliArgs(opts.unbundled ?? false), 'run', job, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, DATIVO_LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`run failed: ${r.stderr.slice(-2000)}`);
  const [wall, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const summary = JSON.parse(r.stdout) as { bytesWritten: number; records: number };
  return { wallS: wall!, rssMb: rssKb! / 1024, outMb: summary.bytesWritten / 2 ** 20 };
}

/** DuckDB's COPY of the same CSV to Parquet (snappy), in its own process under GNU time. */
export function runDuckdbCopy(csv: string, work: string, threads = 2): { wallS: number; copyS: number; rssMb: number; outMb: number; rows: number } {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const out = join(work, 'orders.parquet');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(import.meta.dirname, 'duckdb-copy.mjs'), csv, out, String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`duckdb failed: ${r.stderr.slice(-2000)}`);
  const [wall, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const { rows, seconds } = JSON.parse(r.stdout) as { rows: number; seconds: number };
  return { wallS: wall!, copyS: seconds, rssMb: rssKb! / 1024, outMb: statSync(out).size / 2 ** 20, rows };
}

export const CSV_PARQUET_ROWS = 2_000_000;

/** dativo-host vs DuckDB (2 threads) on the 2 M-row orders CSV, alternating runs. */
export async function csvParquet(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const dataDir = join(opts.buildDir, 'bench-data');
  const runs = opts.runs ?? 3;
  const n = CSV_PARQUET_ROWS;
  const csv = ordersCsv(dataDir, n);
  const csvMb = statSync(csv).size / 2 ** 20;
  const dativo: ReturnType<typeof runCsvToParquet>[] = [];
  const duck: ReturnType<typeof runDuckdbCopy>[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate so that the machine's noise falls on both sides alike.
    dativo.push(runCsvToParquet(csv, join(dataDir, 'work-csv-parquet')));
    duck.push(runDuckdbCopy(csv, join(dataDir, 'work-duckdb')));
  }
  if (duck[0]!.rows !== n) throw new Error(`duckdb copied ${duck[0]!.rows} rows, expected ${n}`);
  const row = (tool: string, xs: { wallS: number; rssMb: number; outMb: number }[]) => {
    const wall = median(xs.map((x) => x.wallS));
    return { case: tool, rows: n, wall_s: wall, rows_per_s: n / wall, csv_mb_per_s: csvMb / wall, peak_rss_mb: median(xs.map((x) => x.rssMb)), parquet_mb: xs[0]!.outMb };
  };
  const a = row('dativo-host', dativo);
  const b = row('duckdb (2 threads)', duck);
  return {
    name: 'csv-parquet',
    note:
      `${n.toLocaleString('en')} rows, ${csvMb.toFixed(0)} MB CSV, snappy; median of ${runs} alternating run(s); each tool in its own process under GNU time ` +
      `(wall includes Node start; DuckDB's COPY alone: ${median(duck.map((x) => x.copyS)).toFixed(2)} s). Targets: wall ratio <= 1.5, RSS ratio <= 1.`,
    rows: [a, b, { case: 'dativo / duckdb', wall_s: a.wall_s / b.wall_s, rows_per_s: a.rows_per_s / b.rows_per_s, peak_rss_mb: a.peak_rss_mb / b.peak_rss_mb, parquet_mb: a.parquet_mb / b.parquet_mb }],
  };
}

export async function csvParquetRss(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const dataDir = join(opts.buildDir, 'bench-data');
  const rows = [];
  const runs = Math.max(1, Math.min(opts.runs ?? 3, 3));
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
