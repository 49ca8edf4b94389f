/**
 * docs/benchmarks.svg: horizontal bars of the latest csv-parquet and wide-csv runs
 * (dativo-host, DuckDB, Polars, pyarrow: wall time, CPU, peak RSS, with dativo's ratios)
 * and, when the run had it, the singer case (rows/s). A hand-written SVG string: no chart dependency.
 */
import { writeFileSync } from 'node:fs';
import type { BenchResult } from './report.js';

interface Panel {
  title: string;
  unit: string;
  bars: { label: string; value: number; color: string }[];
  ratio: string;
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const num = (v: number) => (v >= 1000 ? Math.round(v).toLocaleString('en') : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const DATIVO = '#2f6fb0';
const OTHER = '#e08a2c';

const COLORS: Record<string, string> = { 'dativo-host': DATIVO, duckdb: OTHER, polars: '#8a5cb8', pyarrow: '#3c9a5f' };
const LABELS: Record<string, string> = { 'dativo-host': 'dativo-host', duckdb: 'DuckDB', polars: 'Polars', pyarrow: 'pyarrow' };

/** Panels of a side-by-side case (bench/side-by-side.ts): each tool's bar, dativo's ratios. */
function sideBySidePanels(r: BenchResult, what: string): Panel[] {
  const tools = r.rows.filter((row) => typeof row.case === 'string' && row.case in COLORS) as Record<string, number | string>[];
  const ratio = (key: string) => r.rows.filter((row) => String(row.case).startsWith('dativo / ')).map((row) => `${String(row.case).slice(9)} ${(row[key] as number).toFixed(2)}`).join(', ');
  const rows = (tools[0]!.rows as number).toLocaleString('en');
  return (
    [
      ['wall_s', `${what}, ${rows} rows: wall time (2 threads each)`, 's'],
      ['cpu_s', `${what}: CPU time (user + system)`, 's'],
      ['peak_rss_mb', `${what}: peak RSS`, 'MB'],
    ] as const
  ).map(([key, title, unit]) => ({
    title,
    unit,
    bars: tools.map((t) => ({ label: LABELS[t.case as string]!, value: t[key] as number, color: COLORS[t.case as string]! })),
    ratio: `dativo / ${ratio(key)}`,
  }));
}

export function chartPanels(results: BenchResult[]): Panel[] {
  const panels: Panel[] = [];
  const cp = results.find((r) => r.name === 'csv-parquet');
  if (cp) panels.push(...sideBySidePanels(cp, 'Orders CSV (8 columns) -> Parquet'));
  const wide = results.find((r) => r.name === 'wide-csv');
  if (wide) panels.push(...sideBySidePanels(wide, 'Wide CSV (22 columns) -> Parquet'));
  const sg = results.find((r) => r.name === 'singer');
  if (sg) {
    const [d, s, ratio] = sg.rows as Record<string, number>[];
    panels.push({
      title: `${d!.rows!.toLocaleString('en')} rows through Singer (tap-spreadsheets | target-jsonl) and dativo-host: rows/s`,
      unit: 'rows/s',
      bars: [
        { label: 'dativo-host', value: d!.rows_per_s!, color: DATIVO },
        { label: 'Singer', value: s!.rows_per_s!, color: OTHER },
      ],
      ratio: `dativo-host ${(ratio!.wall_s!).toFixed(1)}x faster (target >= 20)`,
    });
  }
  return panels;
}

export function renderSvg(panels: Panel[], footer: string): string {
  const W = 760;
  const labelW = 150;
  const barMax = W - labelW - 170;
  const barH = 20;
  const parts: string[] = [];
  let y = 30;
  parts.push(`<text x="12" y="20" font-size="15" font-weight="bold">dativo-host benchmarks (npm run bench)</text>`);
  for (const p of panels) {
    y += 14;
    parts.push(`<text x="12" y="${y}" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
    y += 8;
    const max = Math.max(...p.bars.map((b) => b.value), 1e-9);
    for (const b of p.bars) {
      const w = Math.max(1, (b.value / max) * barMax);
      parts.push(`<text x="12" y="${y + 15}" font-size="12">${esc(b.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${b.color}"/>`);
      parts.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}" font-size="12">${esc(`${num(b.value)} ${p.unit}`)}</text>`);
      y += barH + 4;
    }
    parts.push(`<text x="${labelW}" y="${y + 12}" font-size="12" fill="#444">${esc(p.ratio)}</text>`);
    y += 26;
  }
  parts.push(`<text x="12" y="${y + 6}" font-size="11" fill="#666">${esc(footer)}</text>`);
  y += 16;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`
  );
}

/** Writes the chart when the run had the csv-parquet or wide-csv case; returns whether it wrote. */
export function writeChart(results: BenchResult[], file: string, footer: string): boolean {
  if (!results.some((r) => r.name === 'csv-parquet' || r.name === 'wide-csv')) return false;
  writeFileSync(file, renderSvg(chartPanels(results), footer));
  return true;
}
