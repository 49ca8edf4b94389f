/**
 * One PostgreSQL table -> Parquet (or /dev/null) by each tool the postgres bench compares,
 * every one in its own process under GNU time (bench/tools.ts `timed`: wall, user + system
 * CPU, peak RSS of that process; the server's own CPU is in none of them):
 *   dativo-host       the CLI running a postgres-reader job (Rust plugin in its sandbox,
 *                     granted exactly 127.0.0.1:port)
 *   dlt (pyarrow)     dlt's sql_database source, backend="pyarrow", Parquet to a local
 *                     filesystem destination (bench/postgres/dlt_copy.py)
 *   dlt (sqlalchemy)  the same with dlt's default backend
 *   COPY floor        psql: COPY (SELECT * FROM table) TO STDOUT (FORMAT binary|text) > /dev/null
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeManifest } from '../../test/helpers/fixtures.js';
import { dltPython } from '../python/venv.js';
import { fresh, timed, type Timed } from '../tools.js';
import { PG_PASSWORD, PG_TABLE, PG_USER } from './seed.js';

const REPO = join(import.meta.dirname, '..', '..');
export const PG_CONTRACT = join(import.meta.dirname, 'rows.odcs.yaml');

export interface PgCase {
  port: number;
  work: string;
  /** The postgres-reader component (its dist/ build). */
  component: string;
}

const parquetMb = (dir: string): number =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .reduce((s, e) => s + statSync(join(e.parentPath, e.name)).size, 0) / 2 ** 20;

export interface DativoPgOptions {
  nodeArgs?: string[];
  unbundled?: boolean;
  /** Another CLI entry (bench/ab.ts style: a second checkout's bin/dativo-host.mjs). */
  cli?: string;
  /** Another postgres-reader component. */
  component?: string;
  batchRows?: number;
}

export function runDativoPg(c: PgCase, o: DativoPgOptions = {}): Timed {
  const work = join(c.work, 'dativo');
  fresh(work);
  const grant = `127.0.0.1:${c.port}`;
  const manifest = writeManifest(o.component ?? c.component, {
    name: 'postgres-reader',
    capabilities: { tcp: [grant], secrets: ['pg_password'] },
    limits: { memory_mb: 512, call_timeout_ms: 300000 },
  });
  writeFileSync(join(work, 'secrets.yaml'), stringify({ pg_password: PG_PASSWORD }));
  const job = {
    tenant_id: 'bench',
    source_connector: 'postgres',
    target_connector: 'local',
    asset_path: PG_CONTRACT,
    source: {
      plugin: manifest,
      objects: [PG_TABLE],
      config: { host: '127.0.0.1', port: c.port, database: 'postgres', user: PG_USER, ...(o.batchRows ? { batch_rows: o.batchRows } : {}) },
    },
    target: { connection: { local: { path: 'out' } }, compression: 'snappy' },
    secrets: { manager: 'file', path: 'secrets.yaml' },
    policy: { tcp: [grant], secrets: ['pg_password'] },
    state: { path: 'state' },
  };
  const file = join(work, 'job.yaml');
  writeFileSync(file, stringify(job));
  const cli = o.cli ?? join(REPO, o.unbundled ? 'bench/cli-unbundled.mjs' : 'bin/dativo-host.mjs');
  const r = timed(process.execPath, [...(o.nodeArgs ?? []), cli, 'run', file, '--json'], { ...process.env, DATIVO_LOG_LEVEL: 'warn' });
  const summary = JSON.parse(r.stdout) as { bytesWritten: number; records: number };
  return { ...r, outMb: summary.bytesWritten / 2 ** 20, rows: summary.records };
}

export function runDlt(c: PgCase, backend: 'pyarrow' | 'sqlalchemy'): Timed & { copyS: number } {
  const work = join(c.work, `dlt-${backend}`);
  fresh(work);
  const url = `postgresql://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${c.port}/postgres`;
  const r = timed(dltPython(), [join(import.meta.dirname, 'dlt_copy.py'), backend, url, PG_TABLE, work]);
  const { rows, seconds } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number };
  return { ...r, rows, copyS: seconds, outMb: parquetMb(join(work, 'out')) };
}

/** psql's COPY into /dev/null: the server's send and the client's receive, nothing else. */
export function runCopyFloor(c: PgCase, format: 'binary' | 'text', rows: number): Timed {
  const sql = `COPY (SELECT * FROM ${PG_TABLE}) TO STDOUT (FORMAT ${format})`;
  const psql = `psql -X -q -h 127.0.0.1 -p ${c.port} -U ${PG_USER} -d postgres -c "${sql}" > /dev/null`;
  const r = timed('sh', ['-c', psql], { ...process.env, PGPASSWORD: PG_PASSWORD });
  return { ...r, rows, outMb: 0 };
}
