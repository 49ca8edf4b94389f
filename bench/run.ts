/**
 * `npm run bench [-- --json] [-- CASE...]`: runs each benchmark case on this machine,
 * side by side with what it is compared against, and prints medians and ratios.
 */
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { coldStart } from './cold-start.js';
import { csvParquetRss } from './csv-parquet.js';
import { printTable, type BenchResult } from './report.js';

const cases: Record<string, (o: { runs: number; buildDir: string }) => Promise<BenchResult>> = {
  'cold-start': coldStart,
  'csv-parquet-rss': csvParquetRss,
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const runs = Number(process.env.BENCH_RUNS ?? 20);
const buildDir = join(import.meta.dirname, '..', 'test', '.build');

const results: BenchResult[] = [];
for (const [name, run] of Object.entries(cases)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const r = await run({ runs, buildDir });
  results.push(r);
  if (!json) printTable(r);
}
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
if (json) console.log(JSON.stringify({ machine, runs, results }, null, 2));
else console.log(`\nmachine: ${JSON.stringify(machine)}, runs per case: ${runs}`);
process.exit(0);
