/**
 * Before/after of one change, measured in one run: dativo-host's job on a case, variant A
 * and variant B alternating (A B A B ...), medians and B / A. A variant is a CLI entry
 * (another checkout's bin/dativo-host.mjs), a csv-reader build (its plugin.yaml) and/or
 * environment variables and/or node options (`--b-node=--wasm-tiering-budget=50000000`).
 *   npx tsx bench/ab.ts [--case wide|orders] [--runs 5] [--a-cli F] [--b-cli F] [--a-plugin F] [--b-plugin F]
 *     [--a-env K=V ...] [--b-env K=V ...] [--a-node=OPT ...] [--b-node=OPT ...]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CSV_PARQUET_ROWS, ordersCsv } from './csv-parquet.js';
import { median, printTable } from './report.js';
import { runDativo, type CopyCase, type DativoOptions, type Timed } from './tools.js';
import { wideCase } from './wide-csv.js';

const { values } = parseArgs({
  options: {
    case: { type: 'string', default: 'wide' },
    runs: { type: 'string', default: '5' },
    'a-cli': { type: 'string' },
    'b-cli': { type: 'string' },
    'a-plugin': { type: 'string' },
    'b-plugin': { type: 'string' },
    'a-env': { type: 'string', multiple: true },
    'b-env': { type: 'string', multiple: true },
    'a-node': { type: 'string', multiple: true },
    'b-node': { type: 'string', multiple: true },
  },
});
const dataDir = join(import.meta.dirname, '..', 'test', '.build', 'bench-data');
const c: CopyCase =
  values.case === 'orders'
    ? { csv: ordersCsv(dataDir, CSV_PARQUET_ROWS), contract: join(import.meta.dirname, '..', 'examples/contracts/orders.odcs.yaml'), object: 'orders', work: join(dataDir, 'work-ab') }
    : { ...wideCase(dataDir), work: join(dataDir, 'work-ab') };
const variant = (k: 'a' | 'b'): DativoOptions => ({
  ...(values[`${k}-cli`] ? { cli: values[`${k}-cli`] } : {}),
  ...(values[`${k}-plugin`] ? { plugin: values[`${k}-plugin`] } : {}),
  ...(values[`${k}-node`] ? { nodeArgs: values[`${k}-node`] } : {}),
  ...(values[`${k}-env`] ? { env: Object.fromEntries(values[`${k}-env`]!.map((e) => e.split('=', 2) as [string, string])) } : {}),
});
const got: Record<'a' | 'b', Timed[]> = { a: [], b: [] };
for (let i = 0; i < Number(values.runs); i++) for (const k of ['a', 'b'] as const) got[k].push(runDativo(c, variant(k)));
const row = (k: 'a' | 'b') => ({
  case: `${k.toUpperCase()} ${JSON.stringify(variant(k))}`,
  wall_s: median(got[k].map((x) => x.wallS)),
  cpu_s: median(got[k].map((x) => x.cpuS)),
  peak_rss_mb: median(got[k].map((x) => x.rssMb)),
  parquet_mb: got[k][0]!.outMb,
});
const [a, b] = [row('a'), row('b')];
printTable({
  name: `ab: ${values.case}`,
  note: `median of ${values.runs} alternating runs each; every wall: A ${got.a.map((x) => x.wallS).join(' ')} / B ${got.b.map((x) => x.wallS).join(' ')}`,
  rows: [a, b, { case: 'B / A', wall_s: b.wall_s / a.wall_s, cpu_s: b.cpu_s / a.cpu_s, peak_rss_mb: b.peak_rss_mb / a.peak_rss_mb, parquet_mb: b.parquet_mb / a.parquet_mb }],
});
