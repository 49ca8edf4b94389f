/**
 * The real connectors the engine tests run (installed, pinned, by .ci/install-engines.sh
 * into the cache folder's venvs), a job folder for engine sources, and running a
 * connector alone to keep its output as the reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { venvOf, type EngineName } from '../../host/src/engines/engine-config.js';
import { tempDir } from '../helpers/fixtures.js';

/** The venv of a pinned connector; fails (never skips) when CI did not install it. */
export function connectorVenv(engine: EngineName, pkg: string, version: string): string {
  const venv = venvOf(engine, pkg);
  const marker = join(venv, '.dativo-installed');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== `${pkg}==${version}`) {
    throw new Error(`${engine} connector ${pkg}==${version} is not installed in ${venv}: run bash .ci/install-engines.sh`);
  }
  return venv;
}

export const spreadsheetsTap = () => join(connectorVenv('singer', 'tap-spreadsheets', '1.1.2'), 'bin', 'tap-spreadsheets');
export const fakerSource = () => join(connectorVenv('airbyte', 'airbyte-source-faker', '7.2.1'), 'bin', 'source-faker');
/** A Python for the tiny script connectors the failure tests write (the tap venv's). */
export const python = () => join(connectorVenv('singer', 'tap-spreadsheets', '1.1.2'), 'bin', 'python');

export interface EngineWorkspace {
  dir: string;
  out: string;
  job: string;
  write(rel: string, text: string): string;
  writeJob(job: Record<string, unknown>): string;
}

/** A job folder: contract.odcs.yaml with `properties` for stream `stream`, target out/, state state/. */
export function engineWorkspace(connector: 'singer' | 'airbyte', stream: string, properties: Record<string, unknown>[]): EngineWorkspace {
  const dir = tempDir('dativo-engine-test-');
  const contract = {
    apiVersion: 'v3.0.2', kind: 'DataContract', id: '6a0c8e2e-3f55-4a7b-9a1c-2b3c4d5e6f70', version: '1.0.0', status: 'active',
    schema: [{ name: stream, logicalType: 'object', properties }],
  };
  writeFileSync(join(dir, 'contract.odcs.yaml'), stringify(contract));
  const job = join(dir, 'job.yaml');
  return {
    dir,
    out: join(dir, 'out'),
    job,
    write(rel, text) {
      const f = join(dir, rel);
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, text);
      return f;
    },
    writeJob(o) {
      const { source, ...rest } = o as { source?: Record<string, unknown> };
      writeFileSync(job, stringify({
        tenant_id: 'acme', job_name: `${connector}-test`, source_connector: connector, target_connector: 'local',
        asset_path: 'contract.odcs.yaml', source: { objects: [stream], ...source },
        target: { connection: { local: { path: 'out' } } }, state: { path: 'state' }, ...rest,
      }));
      return job;
    },
  };
}

/** Runs a connector alone (argv, in `dir`) and returns its stdout. */
export function stdoutAlone(argv: string[], dir: string): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Runs a connector alone and returns its stdout messages (one JSON object a line). */
export const runAlone = (argv: string[], dir: string): Record<string, unknown>[] =>
  stdoutAlone(argv, dir).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

/** A Parquet row's value as the JSON a connector sent: bigint -> number, timestamps (ms) -> ISO. */
export function plain(row: Record<string, unknown>, timestamps: string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => {
    if (typeof v === 'bigint') return [k, Number(v)];
    if (timestamps.includes(k) && typeof v === 'number') return [k, new Date(v).toISOString()];
    return [k, v];
  }));
}
