/**
 * Where the csv-parquet (or, with --case wide, the wide-csv) time goes: one CLI run of the 2 M-row job under
 * `node --cpu-prof` (main thread and plugin worker threads each write a .cpuprofile),
 * then the self time summed per thread, per area (parquet-wasm, apache-arrow, contract
 * validation, plugin wasm, jco glue, idle, GC...) and per function.
 *   npx tsx bench/profile.ts [--case orders|wide] [--plugin csv-reader/plugin.yaml] [--top N] [--dir DIR]
 * Not part of `npm run bench` (a profiled run is slower and is not a measurement).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CSV_PARQUET_ROWS, ordersCsv, runCsvToParquet } from './csv-parquet.js';
import { buildBenchPlugins } from './plugins.js';
import { runDativo } from './tools.js';
import { wideCase } from './wide-csv.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The area a frame belongs to, from its script URL and name. */
export function area(fn: string, url: string): string {
  if (fn === '(idle)') return 'idle (waiting)';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)' || fn === '(root)') return 'V8/native (program)';
  if (url.includes('parquet-wasm')) return 'parquet-wasm';
  if (url.includes('apache-arrow')) return 'apache-arrow (JS)';
  if (url.includes('/ajv') || url.includes('/contracts/')) return 'contract validation';
  // The plugin's component keeps its name section (wasm://wasm/csv_reader.wasm-…); parquet-wasm's
  // module is stripped (wasm://wasm/<hash>, functions wasm-function[N]) and runs on the main thread.
  if (url.startsWith('wasm://wasm/csv_reader')) return 'plugin wasm (Rust csv-reader)';
  if (url.startsWith('wasm://wasm/parquet_encoder')) return 'Parquet encoder (wasm)';
  if (url.startsWith('wasm://')) return fn.startsWith('wasm-function[') ? 'parquet-wasm (wasm, unnamed)' : 'other wasm';
  if (url.includes('dativo-host') && url.includes('components')) return 'jco glue (transpiled component)';
  if (url.includes('preview2-shim')) return 'preview2-shim (WASI)';
  if (url.includes('/dist/') || url.includes('/host/src/')) return 'host (dist)';
  if (url.startsWith('node:') || url === '') return fn.startsWith('(') ? fn : 'node internals / builtins';
  return 'other JS';
}

export function summarise(file: string, top: number): { thread: string; totalMs: number; areas: [string, number][]; functions: [string, number][] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const a = area(functionName, url);
    areas.set(a, (areas.get(a) ?? 0) + ms);
    const short = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|components)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''} [${a}]`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const sort = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]);
  return { thread: file, totalMs: (p.endTime - p.startTime) / 1000, areas: sort(areas), functions: sort(fns).slice(0, top) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const top = Number(args[args.indexOf('--top') + 1] || 15);
  const dir = args.includes('--dir') ? args[args.indexOf('--dir') + 1]! : join(import.meta.dirname, '..', 'test', '.build', 'bench-profile');
  const buildDir = join(import.meta.dirname, '..', 'test', '.build');
  rmSync(dir, { recursive: true, force: true });
  await buildBenchPlugins();
  const plugin = args.includes('--plugin') ? { plugin: args[args.indexOf('--plugin') + 1]! } : {};
  const profiled = { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`], unbundled: true, ...plugin };
  const dataDir = join(buildDir, 'bench-data');
  const r = args.includes('wide')
    ? runDativo({ ...wideCase(dataDir), work: join(dataDir, 'work-profile') }, profiled)
    : runCsvToParquet(ordersCsv(dataDir, CSV_PARQUET_ROWS), join(dataDir, 'work-profile'), profiled);
  console.log(`profiled run: wall ${r.wallS} s, CPU ${r.cpuS.toFixed(2)} s, peak RSS ${r.rssMb.toFixed(0)} MB (profiling adds overhead); profiles in ${dir}`);
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const s = summarise(join(dir, f), top);
    console.log(`\n## ${f}: ${(s.totalMs / 1000).toFixed(2)} s profiled`);
    for (const [a, ms] of s.areas) if (ms >= 5) console.log(`${(ms / 1000).toFixed(2).padStart(7)} s  ${((100 * ms) / s.totalMs).toFixed(1).padStart(5)} %  ${a}`);
    console.log('top self time:');
    for (const [fn, ms] of s.functions) console.log(`${ms.toFixed(0).padStart(7)} ms  ${fn}`);
  }
}
