/**
 * CSV -> Parquet through the example job's path (Rust csv-reader in the sandbox, contract
 * validation, parquet-wasm, atomic commit), measured as a user runs it: the CLI in its
 * own process, wall time and peak RSS from GNU time.
 * - csv-parquet: 2 M rows, side by side with DuckDB, Polars and pyarrow (bench/side-by-side.ts),
 *   each in its own process, also under GNU time.
 * - csv-parquet-rss: 2 M and 10 M rows: peak RSS must stay flat as the input grows
 *   (bounded queue, streaming Parquet writer).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { median, type BenchResult } from './report.js';
import { sideBySide } from './side-by-side.js';
import { runDativo, type Timed } from './tools.js';

const REPO = join(import.meta.dirname, '..');
const ORDERS_CONTRACT = join(REPO, 'examples/contracts/orders.odcs.yaml');

/** The orders CSV of `rows` rows, in a folder of its own (a job's target must not overlap its reader's folder). */
export function ordersCsv(dataDir: string, rows: number): string {
  const file = join(dataDir, 'csv', `orders-${rows}.csv`);
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'csv'), { recursive: true });
    execFileSync(process.execPath, [join(REPO, 'examples/generate-orders.mjs'), '--rows', String(rows), '--out', file], { stdio: 'inherit' });
  }
  return file;
}

/** The orders job once through the CLI (bench/tools.ts runDativo); wall, CPU, peak RSS, output size. */
export function runCsvToParquet(csv: string, work: string, opts: { nodeArgs?: string[]; unbundled?: boolean } = {}): Timed {
  return runDativo({ csv, contract: ORDERS_CONTRACT, object: 'orders', work }, opts);
}

export const CSV_PARQUET_ROWS = 2_000_000;

/** dativo-host vs DuckDB, Polars and pyarrow (2 threads each) on the 2 M-row orders CSV. */
export async function csvParquet(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const dataDir = join(opts.buildDir, 'bench-data');
  const n = CSV_PARQUET_ROWS;
  const c = { csv: ordersCsv(dataDir, n), contract: ORDERS_CONTRACT, object: 'orders', work: join(dataDir, 'work-csv-parquet') };
  return sideBySide('csv-parquet', c, n, opts.runs ?? 3, 'Targets: wall ratio to DuckDB <= 1.5, RSS ratio <= 1.');
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
