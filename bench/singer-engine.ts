/**
 * The same Singer tap (tap-spreadsheets 1.1.2 on one CSV, typed by schema_overrides) in one
 * run: `tap > /dev/null` (the tap alone), `tap | target-jsonl`, and dativo-host's singer
 * engine (a job: the tap -> contract -> Parquet -> commit), with discovery and with the
 * catalog given as a file (engine_config.catalog). No Singer Parquet target is compared:
 * none on PyPI runs on this tap's output (docs/engines.md, "Measured"). Per case: wall time,
 * records/s, CPU (user + system of the whole pipeline) and peak RSS (GNU time %M: the
 * largest process), median of BENCH_RUNS alternating runs, and both against the tap alone.
 *
 *   bash .ci/install-engines.sh && npm run build --silent && npx tsx bench/singer-engine.ts
 *   (ENGINE_ROWS=200000 BENCH_RUNS=3; ENGINE_CASES=dativo for a subset: the tap alone always
 *   runs; ENGINE_CLIS=before=../a/bin/dativo-host.mjs,after=bin/dativo-host.mjs for A/B)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { venvOf } from '../host/src/engines/engine-config.js';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.env.ENGINE_ROWS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const work = join(tmpdir(), 'dativo-bench-singer-engine');
const bin = (engine: 'singer', pkg: string, exe = pkg) => join(venvOf(engine, pkg), 'bin', exe);
const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

function setup() {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'data'), { recursive: true });
  const rows = ['id,name,amount,day'];
  for (let i = 1; i <= N; i++) rows.push(`${i},customer ${i % 9973},${(i * 0.37).toFixed(2)},2024-0${(i % 9) + 1}-1${i % 10}`);
  writeFileSync(join(work, 'data', 'orders.csv'), `${rows.join('\n')}\n`);
  const tapConfig = {
    files: [{ path: join(work, 'data', '*.csv'), format: 'csv', table_name: 'orders', primary_keys: ['id'], schema_overrides: { id: { type: ['integer'] }, amount: { type: ['number', 'null'] } } }],
  };
  writeFileSync(join(work, 'tap.json'), JSON.stringify(tapConfig));
  writeFileSync(join(work, 'contract.yaml'), stringify({
    apiVersion: 'v3.0.2', kind: 'DataContract', id: '0b3a7c1e-5d2f-4e8a-9b6c-7d8e9f0a1b2c', version: '1.0.0', status: 'active',
    schema: [{ name: 'orders', logicalType: 'object', properties: [
      { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
      { name: 'name', logicalType: 'string' },
      { name: 'amount', logicalType: 'number', physicalType: 'double' },
      { name: 'day', logicalType: 'string' },
    ] }],
  }));
  return tapConfig;
}

interface Timed {
  wallS: number;
  /** User + system CPU of the whole pipeline (the tap is a waited-for child of the host). */
  cpuS: number;
  rssMb: number;
}

function timed(script: string): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'bash', '-c', `set -o pipefail; ${script}`], { encoding: 'utf8', cwd: work });
  if (r.status !== 0) throw new Error(`failed (${r.status}): ${script}\n${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallS: wall!, cpuS: user! + sys!, rssMb: rssKb! / 1024 };
}

function main() {
  const tapConfig = setup();
  const tap = bin('singer', 'tap-spreadsheets');
  const jsonl = bin('singer', 'target-jsonl');
  if (!existsSync(tap) || !existsSync(jsonl)) throw new Error('run bash .ci/install-engines.sh first');
  const tapCmd = `${q(tap)} --config tap.json 2>tap.log`;
  writeFileSync(join(work, 'jsonl.json'), JSON.stringify({ destination_path: join(work, 'jsonl'), do_timestamp_file: false }));
  // The tap's catalog, discovered once here, for the case that hands it to the job.
  writeFileSync(join(work, 'catalog.json'), spawnSync(tap, ['--config', join(work, 'tap.json'), '--discover'], { encoding: 'utf8' }).stdout);
  const job = join(work, 'job.yaml');
  const dativo = (cli: string, withCatalog: boolean) => () => {
    rmSync(join(work, 'out'), { recursive: true, force: true });
    rmSync(join(work, 'state'), { recursive: true, force: true });
    const engine = { command: [tap], ...(withCatalog ? { catalog: 'catalog.json' } : {}) };
    writeFileSync(job, stringify({
      tenant_id: 'bench', job_name: 'singer-engine', source_connector: 'singer', target_connector: 'local', asset_path: 'contract.yaml',
      source: { objects: ['orders'], engine_config: engine, config: tapConfig }, extra_columns: 'drop',
      target: { connection: { local: { path: 'out' } } }, state: { path: 'state' },
    }));
    return `DATIVO_LOG_LEVEL=error ${q(process.execPath)} ${q(cli)} run job.yaml >run.json 2>run.log`;
  };
  const cases: Record<string, () => string> = {
    'tap > /dev/null': () => `${tapCmd} >/dev/null`,
    'tap | target-jsonl': () => (rmSync(join(work, 'jsonl'), { recursive: true, force: true }), mkdirSync(join(work, 'jsonl')), `${tapCmd} | ${q(jsonl)} --config jsonl.json >/dev/null 2>target.log`),
  };
  // ENGINE_CLIS=before=/other/checkout/bin/dativo-host.mjs,after=bin/dativo-host.mjs: A/B in one
  // run; a label with "+catalog" hands the job the tap's catalog (engine_config.catalog).
  const cli = join(ROOT, 'bin', 'dativo-host.mjs');
  const clis = (process.env.ENGINE_CLIS ?? `dativo-host=${cli},dativo-host+catalog=${cli}`).split(',').map((kv) => kv.split('=', 2) as [string, string]);
  for (const [label, path] of clis) cases[`${label} (singer engine)`] = dativo(resolve(path), label.includes('+catalog'));
  // ENGINE_CASES=dev/null,dativo: only the cases whose name holds one of these words.
  const only = process.env.ENGINE_CASES?.split(',');
  const chosen = Object.entries(cases).filter(([name]) => name === 'tap > /dev/null' || !only || only.some((w) => name.includes(w)));
  const results: Record<string, Timed[]> = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [name, cmd] of chosen) {
      const t = timed(cmd());
      (results[name] ??= []).push(t);
      console.error(`run ${i + 1}: ${name}: wall ${t.wallS} s, CPU ${t.cpuS.toFixed(2)} s, ${t.rssMb.toFixed(0)} MB, load ${loadavg()[0]!.toFixed(1)}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = results['tap > /dev/null']!;
  const [baseWall, baseCpu] = [median(base.map((r) => r.wallS)), median(base.map((r) => r.cpuS))];
  console.log(`${N.toLocaleString('en')} rows, median of ${RUNS} alternating run(s); load average before: ${loadavg()[0]!.toFixed(1)}`);
  console.log('case                                 wall s   records/s   CPU s  peak RSS MB   wall vs tap   CPU vs tap');
  for (const [name, rs] of Object.entries(results)) {
    const [wall, cpu] = [median(rs.map((r) => r.wallS)), median(rs.map((r) => r.cpuS))];
    const pct = (x: number, b: number) => `${((x / b - 1) * 100).toFixed(1)} %`;
    console.log(`${name.padEnd(35)} ${wall.toFixed(2).padStart(7)} ${Math.round(N / wall).toLocaleString('en').padStart(11)} ${cpu.toFixed(2).padStart(7)} ${median(rs.map((r) => r.rssMb)).toFixed(0).padStart(12)} ${pct(wall, baseWall).padStart(13)} ${pct(cpu, baseCpu).padStart(12)}`);
    console.log(`${''.padEnd(35)} walls: ${rs.map((r) => r.wallS.toFixed(1)).join(' ')}; CPU: ${rs.map((r) => r.cpuS.toFixed(1)).join(' ')}`);
  }
}

main();
