/** Shared shapes and printing for the benchmarks: every case prints a table and ratios. */
export interface BenchResult {
  name: string;
  note?: string;
  rows: Record<string, string | number>[];
  /** Wall seconds the case took, set by run.ts. */
  seconds?: number;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const fmt = (v: string | number | undefined) =>
  typeof v === 'number' ? (Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : (v ?? '');

export function printTable(r: BenchResult): void {
  const cols = [...new Set(r.rows.flatMap((row) => Object.keys(row)))];
  const cells = [cols, ...r.rows.map((row) => cols.map((c) => String(fmt(row[c]))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  console.log(`\n## ${r.name}${r.seconds === undefined ? '' : ` (${r.seconds.toFixed(0)} s)`}${r.note ? `\n${r.note}` : ''}`);
  for (const [i, line] of cells.entries()) {
    console.log(line.map((c, j) => c.padEnd(widths[j]!)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
