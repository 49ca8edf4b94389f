/**
 * `npm run bench -- postgres`: a PostgreSQL table of PG_ROWS (2 M) rows and 11 columns
 * (bench/postgres/seed.ts) to Parquet by dativo-host, dlt with the pyarrow backend and dlt
 * with its default (sqlalchemy) backend, beside psql's binary and text COPY into /dev/null
 * (the floor: what the server sends, received and dropped). Every tool in its own process
 * (bench/postgres/tools.ts), `runs` rounds, the order rotating from round to round.
 * Targets (issue 14): faster than dlt's pyarrow backend; within 2x of the binary COPY floor.
 */
import { join } from 'node:path';
import { buildBenchPlugins } from '../plugins.js';
import { median, type BenchResult } from '../report.js';
import type { Timed } from '../tools.js';
import { seededServer } from './seed.js';
import { runCopyFloor, runDativoPg, runDlt, type PgCase } from './tools.js';

export const PG_ROWS = Number(process.env.PG_ROWS ?? 2_000_000);
const REPO = join(import.meta.dirname, '..', '..');
export const PG_COMPONENT = join(REPO, 'plugins-rust', 'postgres-reader', 'dist', 'postgres-reader.wasm');

type Run = Timed & { copyS?: number };
/** PG_TOOLS=dativo-host,copy-binary picks tools (default: all). */
const ALL: Record<string, (c: PgCase) => Run> = {
  'dativo-host': (c) => runDativoPg(c),
  'dlt pyarrow': (c) => runDlt(c, 'pyarrow'),
  'dlt sqlalchemy (default)': (c) => runDlt(c, 'sqlalchemy'),
  'copy-binary > /dev/null': (c) => runCopyFloor(c, 'binary', PG_ROWS),
  'copy-text > /dev/null': (c) => runCopyFloor(c, 'text', PG_ROWS),
};

export async function pgCase(work: string): Promise<{ c: PgCase; stop: () => Promise<void> }> {
  await buildBenchPlugins(['postgres-reader']);
  const t = performance.now();
  const server = await seededServer(PG_ROWS);
  process.stderr.write(`[bench postgres] ${PG_ROWS} rows seeded in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  return { c: { port: server.port, work, component: PG_COMPONENT }, stop: () => server.stop() };
}

export async function postgres(opts: { runs?: number; buildDir: string }): Promise<BenchResult> {
  const runs = opts.runs ?? 3;
  const wanted = process.env.PG_TOOLS?.split(',');
  const tools = Object.keys(ALL).filter((t) => !wanted || wanted.some((w) => t.startsWith(w)));
  const { c, stop } = await pgCase(join(opts.buildDir, 'bench-data', 'work-postgres'));
  const got = new Map<string, Run[]>(tools.map((t) => [t, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (let j = 0; j < tools.length; j++) {
        const tool = tools[(i + j) % tools.length]!;
        const r = ALL[tool]!(c);
        if (r.rows !== PG_ROWS) throw new Error(`postgres: ${tool} wrote ${r.rows} rows, expected ${PG_ROWS}`);
        got.get(tool)!.push(r);
      }
    }
  } finally {
    await stop();
  }
  const med = (tool: string, k: 'wallS' | 'cpuS' | 'rssMb' | 'copyS') => median(got.get(tool)!.map((x) => x[k] ?? NaN));
  const table = tools.map((tool) => ({
    case: tool,
    wall_s: med(tool, 'wallS'),
    cpu_s: med(tool, 'cpuS'),
    peak_rss_mb: med(tool, 'rssMb'),
    rows_per_s: PG_ROWS / med(tool, 'wallS'),
    parquet_mb: got.get(tool)![0]!.outMb,
    ...(tool.startsWith('dlt') ? { dlt_own_s: med(tool, 'copyS') } : {}),
    walls: got.get(tool)!.map((x) => x.wallS.toFixed(2)).join(' '),
  }));
  const d = table.find((r) => r.case === 'dativo-host');
  const ratios = d ? table.filter((o) => o !== d).map((o) => ({ case: `dativo / ${o.case}`, wall_s: d.wall_s / o.wall_s, cpu_s: d.cpu_s / o.cpu_s, peak_rss_mb: d.peak_rss_mb / o.peak_rss_mb })) : [];
  return {
    name: 'postgres',
    note:
      `${PG_ROWS.toLocaleString('en')} rows x 11 columns from a loopback PostgreSQL; median of ${runs} round(s), the order rotating; each tool ` +
      'in its own process under GNU time (wall and CPU include process start; the server\'s CPU is counted for no tool; dlt_own_s: ' +
      'dlt\'s run without interpreter start and imports). Targets (issue 14): dativo faster than dlt pyarrow; wall <= 2x copy-binary.',
    rows: [...table, ...ratios],
  };
}
