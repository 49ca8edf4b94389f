/**
 * state.backend postgres against a real PostgreSQL on loopback: runs of one job
 * alternate between two machines (no shared local file) writing one local target folder;
 * the state table is written after each commit, a run SIGKILLed after publishing has its
 * checkpoint applied by the next run on the other machine; the password comes from the
 * job's secret manager.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import pgLib from 'pg';
import { tempDir } from '../helpers/fixtures.js';
import { readRows } from '../helpers/job.js';
import { startPostgres, type PgServer } from '../helpers/postgres-server.js';
import { range, sorted, twoMachines } from './machines.js';

const PASSWORD = 'st4te-S3cret';
const { Client } = pgLib;
let pg: PgServer;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.query(`CREATE ROLE state_user LOGIN PASSWORD '${PASSWORD}'`);
  await pg.query('CREATE DATABASE dativo OWNER state_user');
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

/** Rows of the state database, read as the state user. */
async function rowsOf(sql: string): Promise<Record<string, unknown>[]> {
  const c = new Client({ host: '127.0.0.1', port: pg.port, user: 'state_user', password: PASSWORD, database: 'dativo' });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('state.backend postgres', () => {
  it('six runs alternating between two machines, the first migrating file state, one SIGKILLed after publishing: every row once', async () => {
    const shared = tempDir('pg-target-');
    const postgres = { host: '127.0.0.1', port: pg.port, database: 'dativo', user: 'state_user', password_secret: 'pg_state_password' };
    const m = twoMachines(1500, { target: { connection: { local: { path: shared } }, parquet_target_size_mb: 0.2 }, state: { backend: 'file', path: 'state' } }, { pg_state_password: PASSWORD });
    const jobOf = (f: string) => parse(readFileSync(f, 'utf8')) as Record<string, unknown>;

    expect((await m.run(m.a)).summary.records).toBe(1500); // before: backend file on machine a
    for (const w of [m.a, m.b]) w.writeJob({ ...jobOf(w.jobFile), state: { backend: 'postgres', path: 'state', postgres } });
    m.addRows(600);
    const migrating = await m.run(m.a);
    expect(migrating.summary.records).toBe(600);
    expect(migrating.summary.state).toEqual({ backend: 'postgres', migrated: { orders: `file state ${join(m.a.dir, 'state')}` } });
    expect(migrating.logs.records.some((r) => String(r.msg).includes('no state for stream orders'))).toBe(true);
    expect(JSON.stringify(migrating.logs.records)).not.toContain(PASSWORD);

    for (let i = 2; i < 6; i++) {
      m.addRows(500 + i * 30);
      const machine = i % 2 === 0 ? m.b : m.a;
      if (i === 3) {
        expect(await m.runKilled(machine, 'after-publish')).toBe('SIGKILL');
        continue;
      }
      const { summary } = await m.run(machine);
      expect(summary.recovered).toHaveLength(i === 4 ? 1 : 0);
    }
    expect(sorted(readRows(shared).map((r) => Number(r.order_id)))).toEqual(range(m.total));

    // The table, state show and the latest commit manifest agree.
    const dir = join(shared, '_dativo', 'commits');
    const last = readdirSync(dir).map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8'))).sort((x, y) => x.seq - y.seq).at(-1);
    const table = await rowsOf("SELECT stream, checkpoint, run_id FROM dativo_state WHERE tenant = 'acme' AND job = 'job'");
    expect(table).toEqual([{ stream: 'orders', checkpoint: last.checkpoints.orders, run_id: last.runId }]);
    const shown = JSON.parse((await m.cli(['state', 'show', m.b.jobFile, '--json'])).stdout);
    expect(shown.streams).toEqual([expect.objectContaining({ stream: 'orders', checkpoint: last.checkpoints.orders, runId: last.runId })]);

    // reset: the audit row and the delete in one transaction; the next run reloads all,
    // and machine a's old file state is not taken again.
    const reset = await m.cli(['state', 'reset', m.a.jobFile, '--stream', 'orders', '--yes', '--json']);
    expect(reset.status).toBe(0);
    expect(await rowsOf('SELECT stream FROM dativo_state')).toEqual([]);
    const audit = await rowsOf('SELECT tenant, job, streams, previous FROM dativo_state_audit');
    expect(audit).toEqual([{ tenant: 'acme', job: 'job', streams: ['orders'], previous: [expect.objectContaining({ checkpoint: last.checkpoints.orders })] }]);
    const reload = await m.run(m.a);
    expect(reload.summary.records).toBe(m.total);
    expect(reload.summary.state.migrated).toEqual({});
  }, 300_000);

  it('a refused password fails the run before anything is committed (STATE_AUTH, exit 1); a missing secret is exit 2', async () => {
    const shared = tempDir('pg-target-');
    const postgres = { host: '127.0.0.1', port: pg.port, database: 'dativo', user: 'state_user', password_secret: 'pg_state_password' };
    const m = twoMachines(200, { target: { connection: { local: { path: shared } } }, state: { backend: 'postgres', postgres } }, { pg_state_password: 'wrong-password' });
    const r = await m.cli(['run', m.a.jobFile]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('STATE_AUTH');
    expect(r.stderr).not.toContain('wrong-password');
    expect(readRows(shared)).toEqual([]);
    m.b.writeJob({ ...parse(readFileSync(m.b.jobFile, 'utf8')), secrets: { manager: 'none' } });
    const missing = await m.cli(['run', m.b.jobFile]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('state.postgres.password_secret');
  }, 120_000);
});
