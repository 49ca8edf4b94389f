/**
 * The same Singer tap (tap-spreadsheets 1.1.2 on one CSV, typed by schema_overrides) three
 * ways, in one run: `tap > /dev/null` (the tap alone), `tap | target-jsonl`, and
 * dativo-host's singer engine (a job: the tap -> contract -> Parquet -> commit).
 * target-parquet 0.0.1 (the only one on PyPI) is left out: it pins pyarrow 0.13 (no wheel
 * for Python 3.11, its source build needs Cython and C++) and, with a current pyarrow,
 * stops at collections.MutableMapping (removed in Python 3.10). Wall time, records/s and peak RSS (GNU time %M: the largest process)
 * per case, median of BENCH_RUNS alternating runs; dativo-host's overhead over the tap alone.
 *
 *   bash .ci/install-engines.sh && npm run build --silent && npx tsx bench/singer-engine.ts
 *   (ENGINE_ROWS=200000 BENCH_RUNS=3; ENGINE_CASES=dev/null,dativo for a subset)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

function timed(script: string): { wallS: number; rssMb: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', `set -o pipefail; ${script}`], { encoding: 'utf8', cwd: work });
  if (r.status !== 0) throw new Error(`failed (${r.status}): ${script}\n${r.stderr.slice(-2000)}`);
  const [wall, rssKb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallS: wall!, rssMb: rssKb! / 1024 };
}

function main() {
  const tapConfig = setup();
  const tap = bin('singer', 'tap-spreadsheets');
  const jsonl = bin('singer', 'target-jsonl');
  if (!existsSync(tap) || !existsSync(jsonl)) throw new Error('run bash .ci/install-engines.sh first');
  const tapCmd = `${q(tap)} --config tap.json 2>tap.log`;
  writeFileSync(join(work, 'jsonl.json'), JSON.stringify({ destination_path: join(work, 'jsonl'), do_timestamp_file: false }));
  const job = join(work, 'job.yaml');
  const cases: Record<string, () => string> = {
    'tap > /dev/null': () => `${tapCmd} >/dev/null`,
    'tap | target-jsonl': () => (rmSync(join(work, 'jsonl'), { recursive: true, force: true }), mkdirSync(join(work, 'jsonl')), `${tapCmd} | ${q(jsonl)} --config jsonl.json >/dev/null 2>target.log`),
    'dativo-host (singer engine)': () => {
      rmSync(join(work, 'out'), { recursive: true, force: true });
      rmSync(join(work, 'state'), { recursive: true, force: true });
      writeFileSync(job, stringify({
        tenant_id: 'bench', job_name: 'singer-engine', source_connector: 'singer', target_connector: 'local', asset_path: 'contract.yaml',
        source: { objects: ['orders'], engine_config: { command: [tap] }, config: tapConfig }, extra_columns: 'drop',
        target: { connection: { local: { path: 'out' } } }, state: { path: 'state' },
      }));
      return `DATIVO_LOG_LEVEL=error ${q(process.execPath)} ${q(join(ROOT, 'bin', 'dativo-host.mjs'))} run job.yaml >run.json 2>run.log`;
    },
  };
  // ENGINE_CASES=alone,dativo: only the cases whose name holds one of these words.
  const only = process.env.ENGINE_CASES?.split(',');
  const chosen = Object.entries(cases).filter(([name]) => !only || only.some((w) => name.includes(w)));
  const results: Record<string, { wallS: number; rssMb: number }[]> = {};
  for (let i = 0; i < RUNS; i++) for (const [name, cmd] of chosen) (results[name] ??= []).push(timed(cmd()));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(results['tap > /dev/null']!.map((r) => r.wallS));
  console.log(`${N.toLocaleString('en')} rows, median of ${RUNS} alternating run(s)`);
  console.log('case                          wall s   records/s   peak RSS MB   vs tap alone');
  for (const [name, rs] of Object.entries(results)) {
    const wall = median(rs.map((r) => r.wallS));
    console.log(`${name.padEnd(28)} ${wall.toFixed(2).padStart(7)} ${Math.round(N / wall).toLocaleString('en').padStart(11)} ${median(rs.map((r) => r.rssMb)).toFixed(0).padStart(13)}   ${((wall / base - 1) * 100).toFixed(1)} %`);
  }
}

main();
