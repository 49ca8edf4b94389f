/**
 * postgres-reader's CDC (logical replication, pgoutput) end to end against a real
 * PostgreSQL 15: inserts, updates and deletes committed as rows with _op and _lsn, runs
 * killed with SIGKILL before and after the commit point (DATIVO_CRASH_POINT) and rerun,
 * every change exactly once in the committed Parquet (read back with DuckDB), and the
 * slot's confirmed position never past what the host committed.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin } from '../../host/src/build/build-plugin.js';
import { REPO, tempDir, writeManifest } from '../helpers/fixtures.js';
import { startPostgres, type PgServer } from '../helpers/postgres-server.js';

const PASSWORD = 'cdc-pass';
let component: string;
let server: PgServer;

beforeAll(async () => {
  component = (await buildPlugin(join(REPO, 'plugins-rust', 'postgres-reader'), { log: () => undefined })).component;
  server = await startPostgres();
  await server.query(`CREATE ROLE cdc_user LOGIN REPLICATION PASSWORD '${PASSWORD}'`);
  await server.query('CREATE TABLE items (id bigint PRIMARY KEY, name text); CREATE TABLE other (id int PRIMARY KEY)');
  await server.query('CREATE PUBLICATION pub FOR TABLE items, other; GRANT SELECT ON items, other TO cdc_user');
}, 900_000);
afterAll(async () => server?.stop());

const CONTRACT = {
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: '0c2a7e55-4b1d-4f0e-8a3c-9d6e1f2a3b4c',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'items',
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
        { name: 'name', logicalType: 'string' },
        { name: '_op', logicalType: 'string', required: true },
        { name: '_lsn', logicalType: 'integer', physicalType: 'bigint', required: true },
      ],
    },
  ],
};

interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** `killMs`: SIGKILL that long after the run logs that it started (mid-read, wherever it is). */
function runCli(args: string[], env: Record<string, string> = {}, killMs?: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], {
      cwd: REPO,
      env: { ...process.env, DATIVO_LOG_LEVEL: killMs === undefined ? 'warn' : 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => {
      stderr += b;
      if (killMs !== undefined && stderr.includes('"msg":"run started"')) setTimeout(() => child.kill('SIGKILL'), killMs);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

function cdcJob(slot = 'items_slot', batchRows = 50000) {
  const dir = tempDir('dativo-pg-cdc-');
  writeFileSync(join(dir, 'contract.odcs.yaml'), stringify(CONTRACT));
  writeFileSync(join(dir, 'secrets.yaml'), stringify({ pg_password: PASSWORD }));
  const grant = `127.0.0.1:${server.port}`;
  const manifest = writeManifest(component, { name: 'postgres-reader', capabilities: { tcp: [grant], secrets: ['pg_password'] } });
  const job = {
    tenant_id: 'acme',
    environment: 'test',
    source_connector: 'postgres',
    target_connector: 'local',
    asset_path: 'contract.odcs.yaml',
    source: {
      plugin: manifest,
      objects: ['items'],
      config: { host: '127.0.0.1', port: server.port, database: 'postgres', user: 'cdc_user', batch_rows: batchRows, cdc: { publication: 'pub', slot } },
    },
    target: { connection: { local: { path: 'out' } } },
    schema_validation_mode: 'strict',
    secrets: { manager: 'file', path: 'secrets.yaml' },
    policy: { tcp: [grant], secrets: ['pg_password'] },
    state: { path: 'state' },
  };
  writeFileSync(join(dir, 'job.yaml'), stringify(job));
  const run = (crashPoint?: string, killMs?: number) =>
    runCli(['run', join(dir, 'job.yaml'), '--json'], crashPoint ? { DATIVO_CRASH_POINT: crashPoint } : {}, killMs);
  return { dir, out: join(dir, 'out'), run };
}

async function changes(out: string): Promise<{ op: string; id: number; name: string | null; lsn: bigint }[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const files = `'${join(out, 'items').replaceAll("'", "''")}/**/*.parquet'`;
    const r = await conn.runAndReadAll(`SELECT _op AS op, id, name, _lsn AS lsn FROM read_parquet(${files}) ORDER BY _lsn, id`);
    return r.getRowObjectsJS().map((x) => ({ op: String(x.op), id: Number(x.id), name: x.name as string | null, lsn: x.lsn as bigint }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const records = (r: Run) => (JSON.parse(r.stdout) as { records: number }).records;
const checkpointOf = (r: Run) => JSON.parse((JSON.parse(r.stdout) as { streams: { checkpoint: string }[] }).streams[0]!.checkpoint) as { lsn: string };
const confirmed = async () => (await server.query<{ lsn: string }>(`SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = 'items_slot'`))[0]!.lsn;
const lsnLe = async (a: string, b: string) => (await server.query<{ le: boolean }>('SELECT $1::pg_lsn <= $2::pg_lsn AS le', [a, b]))[0]!.le;

describe('postgres-reader CDC (pgoutput)', () => {
  it('inserts, updates and deletes exactly once across runs killed before and after the commit point', async () => {
    const job = cdcJob();
    const first = await job.run();
    expect(first.status, first.stderr).toBe(0);
    expect(records(first)).toBe(0); // the slot is created: changes from now on

    const before = (await server.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'))[0]!.lsn;
    await server.query(`INSERT INTO items VALUES (1, 'a'), (2, 'b')`);
    await server.query(`INSERT INTO other VALUES (1)`);
    await server.query(`INSERT INTO items VALUES (3, 'c')`);
    await server.query(`UPDATE items SET name = 'b2' WHERE id = 2`);
    await server.query(`DELETE FROM items WHERE id = 3`);

    // Killed before anything is committed: nothing visible, the slot not advanced past it.
    const killed = await job.run('after-staging');
    expect(killed.signal).toBe('SIGKILL');
    expect(await changes(job.out).catch(() => [])).toEqual([]);
    expect(await lsnLe(await confirmed(), before)).toBe(true);

    const rerun = await job.run();
    expect(rerun.status, rerun.stderr).toBe(0);
    const got = await changes(job.out);
    expect(got.map(({ op, id, name }) => [op, id, name])).toEqual([
      ['I', 1, 'a'], ['I', 2, 'b'], ['I', 3, 'c'], ['U', 2, 'b2'], ['D', 3, null],
    ]);
    // One transaction per statement: rows 1 and 2 share a commit LSN, later ones each their own.
    expect(got[0]!.lsn).toBe(got[1]!.lsn);
    expect(new Set(got.map((c) => c.lsn)).size).toBe(4);

    // Killed after the commit point: the next run finishes that commit; no change twice.
    await server.query(`INSERT INTO items VALUES (4, 'd')`);
    await server.query(`UPDATE items SET name = 'd2' WHERE id = 4`);
    const afterCommit = await job.run('after-commit-point');
    expect(afterCommit.signal).toBe('SIGKILL');
    const recovered = await job.run();
    expect(recovered.status, recovered.stderr).toBe(0);
    expect(records(recovered)).toBe(0);
    expect((await changes(job.out)).map(({ op, id, name }) => [op, id, name])).toEqual([
      ['I', 1, 'a'], ['I', 2, 'b'], ['I', 3, 'c'], ['U', 2, 'b2'], ['D', 3, null], ['I', 4, 'd'], ['U', 4, 'd2'],
    ]);

    // The slot is confirmed up to the committed checkpoint a run starts from, never beyond.
    const { lsn } = checkpointOf(recovered);
    const last = await job.run();
    expect(records(last)).toBe(0);
    expect(await confirmed()).toBe(lsn);
  }, 600_000);

  it('kill -9 at any moment of a long read, then a rerun: every change exactly once', async () => {
    await server.query('DELETE FROM items');
    const job = cdcJob('items_kill', 500);
    expect((await job.run()).status).toBe(0); // creates its slot
    for (let t = 0; t < 40; t++) {
      await server.query(`INSERT INTO items SELECT g, 'n' || g FROM generate_series(${t * 250 + 1}, ${t * 250 + 250}) g`);
      await server.query(`UPDATE items SET name = name || '!' WHERE id BETWEEN ${t * 250 + 1} AND ${t * 250 + 10}`);
    }
    let kills = 0;
    for (const killMs of [50, 400]) {
      const killed = await job.run(undefined, killMs);
      if (killed.signal === 'SIGKILL') kills++;
      else expect(killed.status, killed.stderr).toBe(0); // finished first: fine
    }
    expect(kills).toBeGreaterThan(0);
    const rerun = await job.run();
    expect(rerun.status, rerun.stderr).toBe(0);
    const got = await changes(job.out);
    const keys = got.map((c) => `${c.op}${c.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(got.filter((c) => c.op === 'I').length).toBe(10_000);
    expect(got.filter((c) => c.op === 'U').length).toBe(400);
  }, 600_000);
});
