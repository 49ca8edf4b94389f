/**
 * One CSV -> Parquet copy by each tool the bench compares, every one in its own process
 * under GNU time (wall, user + system CPU, peak RSS): dativo-host (the CLI running a job),
 * DuckDB (bench/duckdb-copy.mjs), Polars and pyarrow (bench/python/, in the bench venv).
 * DuckDB, Polars and pyarrow read the CSV typed as the job's contract says.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { benchPython } from './python/venv.js';

const REPO = join(import.meta.dirname, '..');

export interface Timed {
  wallS: number;
  cpuS: number;
  rssMb: number;
  outMb: number;
  rows: number;
}

/** Runs `cmd args` under /usr/bin/time; returns its stdout and the measurements. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { stdout: string; wallS: number; cpuS: number; rssMb: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 2).join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [wall, rssKb, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { stdout: r.stdout, wallS: wall!, cpuS: user! + sys!, rssMb: rssKb! / 1024 };
}

export type Kind = 'int32' | 'int64' | 'float64' | 'string' | 'bool' | 'date' | 'timestamp';
const INT32 = new Set(['int', 'int32', 'integer', 'smallint', 'tinyint']);

/** The contract's columns as [name, kind], in the host's Arrow types (contracts/arrow-types.ts). */
export function contractColumns(contract: string): [string, Kind][] {
  const doc = parse(readFileSync(contract, 'utf8')) as { schema: { properties: { name: string; logicalType: string; physicalType?: string }[] }[] };
  return doc.schema[0]!.properties.map((p) => {
    const phys = (p.physicalType ?? '').toLowerCase();
    const kind: Kind =
      p.logicalType === 'integer' ? (INT32.has(phys) ? 'int32' : 'int64')
      : p.logicalType === 'number' ? 'float64'
      : p.logicalType === 'boolean' ? 'bool'
      : p.logicalType === 'date' ? (phys === 'date' ? 'date' : 'timestamp')
      : 'string';
    return [p.name, kind];
  });
}

export interface CopyCase {
  csv: string;
  contract: string;
  /** The stream (contract object) name. */
  object: string;
  work: string;
}

/** `dir`, emptied (made if absent). */
export const fresh = (dir: string) => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
};

/** The CLI as users run it (bin/, the bundle), or `unbundled` (bench/cli-unbundled.mjs), whose profile names packages. */
export interface DativoOptions {
  nodeArgs?: string[];
  unbundled?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Another CLI entry (bench/ab.ts: a second checkout's bin/dativo-host.mjs). */
  cli?: string;
  /** Another csv-reader build (its dist/plugin.yaml); default: the connector's. */
  plugin?: string;
}

export function runDativo(c: CopyCase, opts: DativoOptions = {}): Timed {
  const work = join(c.work, 'dativo');
  fresh(work);
  const job = join(work, 'job.yaml');
  writeFileSync(
    job,
    [
      'tenant_id: bench',
      'source_connector: csv',
      'target_connector: local',
      `asset_path: ${c.contract}`,
      `source: { ${opts.plugin ? `plugin: ${opts.plugin}, ` : ''}files: [${c.csv}], objects: [${c.object}] }`,
      'target: { connection: { local: { path: out } }, compression: snappy }',
      'state: { path: state }',
    ].join('\n'),
  );
  const cli = opts.cli ?? join(REPO, opts.unbundled ? 'bench/cli-unbundled.mjs' : 'bin/dativo-host.mjs');
  const r = timed(process.execPath, [...(opts.nodeArgs ?? []), cli, 'run', job, '--json'], { ...process.env, DATIVO_LOG_LEVEL: 'warn', ...opts.env });
  const summary = JSON.parse(r.stdout) as { bytesWritten: number; records: number };
  return { ...r, outMb: summary.bytesWritten / 2 ** 20, rows: summary.records };
}

function runCopyScript(c: CopyCase, tool: string, cmd: string, script: string[], threads: number): Timed & { copyS: number } {
  const work = join(c.work, tool);
  fresh(work);
  const out = join(work, 'out.parquet');
  const r = timed(cmd, [...script, c.csv, out, String(threads), ...(tool === 'duckdb' ? ['snappy'] : []), JSON.stringify(contractColumns(c.contract))]);
  const { rows, seconds } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number };
  return { ...r, rows, copyS: seconds, outMb: statSync(out).size / 2 ** 20 };
}

export const runDuckdb = (c: CopyCase, threads = 2) => runCopyScript(c, 'duckdb', process.execPath, [join(REPO, 'bench/duckdb-copy.mjs')], threads);
export const runPolars = (c: CopyCase, threads = 2) => runCopyScript(c, 'polars', benchPython(), [join(REPO, 'bench/python/polars_copy.py')], threads);
export const runPyarrow = (c: CopyCase, threads = 2) => runCopyScript(c, 'pyarrow', benchPython(), [join(REPO, 'bench/python/pyarrow_copy.py')], threads);
