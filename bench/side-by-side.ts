/**
 * One CSV -> Parquet case run by dativo-host, DuckDB, Polars and pyarrow (2 threads each,
 * each in its own process), `runs` rounds; every round runs all four, the order rotating
 * from round to round so that the machine's noise falls on every tool alike. Medians, then
 * dativo-host's ratio to each of the others (wall, CPU, peak RSS).
 */
import { statSync } from 'node:fs';
import { median, type BenchResult } from './report.js';
import { runDativo, runDuckdb, runPolars, runPyarrow, type CopyCase, type Timed } from './tools.js';

export const TOOLS = ['dativo-host', 'duckdb', 'polars', 'pyarrow'] as const;
const RUN: Record<(typeof TOOLS)[number], (c: CopyCase) => Timed & { copyS?: number }> = {
  'dativo-host': (c) => runDativo(c),
  duckdb: (c) => runDuckdb(c),
  polars: (c) => runPolars(c),
  pyarrow: (c) => runPyarrow(c),
};

export function sideBySide(name: string, c: CopyCase, rows: number, runs: number, note: string): BenchResult {
  const csvMb = statSync(c.csv).size / 2 ** 20;
  const got = new Map<string, (Timed & { copyS?: number })[]>(TOOLS.map((t) => [t, []]));
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < TOOLS.length; j++) {
      const tool = TOOLS[(i + j) % TOOLS.length]!;
      const r = RUN[tool](c);
      if (r.rows !== rows) throw new Error(`${name}: ${tool} wrote ${r.rows} rows, expected ${rows}`);
      got.get(tool)!.push(r);
    }
  }
  const med = (tool: string, k: 'wallS' | 'cpuS' | 'rssMb' | 'copyS') => median(got.get(tool)!.map((x) => x[k] ?? NaN));
  const table = TOOLS.map((tool) => {
    const wall = med(tool, 'wallS');
    return {
      case: tool,
      rows,
      wall_s: wall,
      cpu_s: med(tool, 'cpuS'),
      peak_rss_mb: med(tool, 'rssMb'),
      rows_per_s: rows / wall,
      csv_mb_per_s: csvMb / wall,
      parquet_mb: got.get(tool)![0]!.outMb,
      ...(tool === 'dativo-host' ? {} : { copy_only_s: med(tool, 'copyS') }),
    };
  });
  const d = table[0]!;
  const ratios = table.slice(1).map((o) => ({
    case: `dativo / ${o.case}`,
    wall_s: d.wall_s / o.wall_s,
    cpu_s: d.cpu_s / o.cpu_s,
    peak_rss_mb: d.peak_rss_mb / o.peak_rss_mb,
    parquet_mb: d.parquet_mb / o.parquet_mb,
  }));
  return {
    name,
    note:
      `${rows.toLocaleString('en')} rows, ${csvMb.toFixed(0)} MB CSV, snappy, 2 threads each; median of ${runs} round(s), the tools' order ` +
      `rotating; each in its own process under GNU time (wall and CPU include process start; copy_only_s: the tool's own timing of the copy). ${note}`,
    rows: [...table, ...ratios],
  };
}
