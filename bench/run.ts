/**
 * `npm run bench [-- --json] [-- CASE...]`: runs each benchmark case on this machine,
 * side by side with what it is compared against, and prints medians and ratios.
 * BENCH_RUNS sets the repetitions of every case (default: 3 for the heavy cases, 20 for
 * cold-start). A run that includes csv-parquet or wide-csv also writes docs/benchmarks.svg.
 */
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { boundary } from './boundary.js';
import { writeChart } from './chart.js';
import { coldStart } from './cold-start.js';
import { csvParquet, csvParquetRss } from './csv-parquet.js';
import { buildBenchPlugins } from './plugins.js';
import { postgres } from './postgres/postgres.js';
import { printTable, type BenchResult } from './report.js';
import { singer } from './singer.js';
import { tsPlugin } from './ts-plugin.js';
import { wide, wideRss } from './wide-csv.js';

type Case = (o: { runs?: number; buildDir: string }) => Promise<BenchResult>;
const cases: Record<string, Case> = {
  'csv-parquet': csvParquet,
  'csv-parquet-rss': csvParquetRss,
  'wide-csv': wide,
  'wide-csv-rss': wideRss,
  singer,
  postgres,
  boundary,
  'ts-plugin': tsPlugin,
  'cold-start': (o) => coldStart({ ...o, runs: o.runs ?? 20 }),
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !(w in cases));
if (unknown.length > 0) {
  console.error(`unknown case(s): ${unknown.join(', ')} (cases: ${Object.keys(cases).join(', ')})`);
  process.exit(2);
}
const runs = process.env.BENCH_RUNS ? Number(process.env.BENCH_RUNS) : undefined;
const buildDir = join(import.meta.dirname, '..', 'test', '.build');
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString().slice(0, 10) };

const started = performance.now();
// A fresh checkout has no built plugins: build the ones the jobs run (cached by source).
await buildBenchPlugins();
const results: BenchResult[] = [];
for (const [name, run] of Object.entries(cases)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const t = performance.now();
  const r = await run({ runs, buildDir });
  r.seconds = (performance.now() - t) / 1000;
  results.push(r);
  if (!json) printTable(r);
}
const chart = join(import.meta.dirname, '..', 'docs', 'benchmarks.svg');
const wroteChart = writeChart(results, chart, `${machine.cpus} x ${machine.cpu}, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.date}; medians`);
const totalS = (performance.now() - started) / 1000;
if (json) console.log(JSON.stringify({ machine, runs: runs ?? 'default', totalSeconds: totalS, chart: wroteChart ? chart : null, results }, null, 2));
else {
  console.log(`\nmachine: ${JSON.stringify(machine)}, runs per case: ${runs ?? 'default (3; cold-start 20)'}, total ${totalS.toFixed(0)} s`);
  if (wroteChart) console.log(`chart: ${chart}`);
}
process.exit(0);
