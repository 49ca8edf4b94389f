/**
 * The wide case: a 22-column taxi-trip shaped CSV (bench/wide/generate-wide.mjs:
 * tinyint..bigint, doubles with decimals, 2-4 character codes, six columns with ~3 % nulls,
 * two `Z` timestamps and a date) to Parquet under its contract (bench/wide/wide.odcs.yaml,
 * strict), side by side with DuckDB, Polars and pyarrow. WIDE_ROWS sets the size (2 M).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { median, type BenchResult } from './report.js';
import { sideBySide } from './side-by-side.js';
import { runDativo, type CopyCase } from './tools.js';

export const WIDE_CONTRACT = join(import.meta.dirname, 'wide', 'wide.odcs.yaml');
export const WIDE_ROWS = Number(process.env.WIDE_ROWS ?? 2_000_000);

/** The wide CSV of `rows` rows, generated once into a folder of its own. */
export function wideCsv(dataDir: string, rows: number): string {
  const file = join(dataDir, 'wide', `trips-${rows}.csv`);
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'wide'), { recursive: true });
    execFileSync(process.execPath, [join(import.meta.dirname, 'wide', 'generate-wide.mjs'), '--rows', String(rows), '--out', `${file}.tmp`], { stdio: 'inherit' });
    execFileSync('mv', [`${file}.tmp`, file]);
  }
  return file;
}

export const wideCase = (dataDir: string, rows = WIDE_ROWS): CopyCase => ({
  csv: wideCsv(dataDir, rows),
  contract: WIDE_CONTRACT,
  object: 'trips',
  work: join(dataDir, 'work-wide'),
});

export async function wide(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const c = wideCase(join(opts.buildDir, 'bench-data'));
  return sideBySide('wide-csv', c, WIDE_ROWS, opts.runs ?? 3, 'Targets (issue 16): wall <= 1.2x DuckDB and below Polars and pyarrow; CPU <= 1.5x DuckDB; RSS <= DuckDB.');
}

/** The 2 M-row file's rows `times` times over (as the issue grew its dataset), one header. */
function repeatedCsv(dataDir: string, times: number): string {
  const base = wideCsv(dataDir, 2_000_000);
  const file = join(dataDir, 'wide', `trips-2000000x${times}.csv`);
  if (!existsSync(file)) {
    const text = readFileSync(base);
    const body = text.subarray(text.indexOf(10) + 1);
    const fd = openSync(`${file}.tmp`, 'w');
    writeSync(fd, text);
    for (let i = 1; i < times; i++) writeSync(fd, body);
    closeSync(fd);
    renameSync(`${file}.tmp`, file);
  }
  return file;
}

/** wide-csv-rss: dativo-host's peak RSS on the wide case at 2 M and 10 M rows (target: within 10 %). */
export async function wideRss(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const dataDir = join(opts.buildDir, 'bench-data');
  const runs = Math.max(1, Math.min(opts.runs ?? 3, 3));
  const rows = [];
  for (const [n, csv] of [[2_000_000, wideCsv(dataDir, 2_000_000)], [10_000_000, repeatedCsv(dataDir, 5)]] as const) {
    const c = { csv, contract: WIDE_CONTRACT, object: 'trips', work: join(dataDir, 'work-wide-rss') };
    const r = Array.from({ length: runs }, () => runDativo(c));
    if (r[0]!.rows !== n) throw new Error(`wide-csv-rss: ${r[0]!.rows} rows, expected ${n}`);
    const wall = median(r.map((x) => x.wallS));
    rows.push({ case: `${n / 1e6} M rows`, csv_mb: statSync(csv).size / 2 ** 20, wall_s: wall, cpu_s: median(r.map((x) => x.cpuS)), rows_per_s: n / wall, peak_rss_mb: median(r.map((x) => x.rssMb)), parquet_mb: r[0]!.outMb });
  }
  const [a, b] = rows as { peak_rss_mb: number }[];
  rows.push({ case: '10 M / 2 M', peak_rss_mb: b!.peak_rss_mb / a!.peak_rss_mb });
  return { name: 'wide-csv-rss', note: `dativo-host only; 10 M = the 2 M rows five times; median of ${runs} run(s) each; target: peak RSS at 10 M within 10 % of 2 M`, rows };
}
