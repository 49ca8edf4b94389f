/**
 * The wide case: a 22-column taxi-trip shaped CSV (bench/wide/generate-wide.mjs:
 * tinyint..bigint, doubles with decimals, 2-4 character codes, six columns with ~3 % nulls,
 * two `Z` timestamps and a date) to Parquet under its contract (bench/wide/wide.odcs.yaml,
 * strict), side by side with DuckDB, Polars and pyarrow. WIDE_ROWS sets the size (2 M).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './report.js';
import { sideBySide } from './side-by-side.js';
import type { CopyCase } from './tools.js';

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
