/**
 * postgres-reader (plugins-rust/postgres-reader) end to end against a real PostgreSQL 15
 * (test/helpers/postgres-server.ts): jobs run through the CLI with a manifest granting
 * exactly the server's 127.0.0.1:port, the committed Parquet read back with DuckDB and
 * compared row by row with what the server itself returns.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin } from '../../host/src/build/build-plugin.js';
import type { HostError } from '../../host/src/errors/index.js';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { StaticSecretManager } from '../../host/src/secrets/secret-manager.js';
import { REPO, tempDir, writeManifest } from '../helpers/fixtures.js';
import { startCuttingProxy, startPostgres, type PgServer } from '../helpers/postgres-server.js';

/** `dativo-host ARGS` as runCli runs it, but without blocking this process (the proxy lives here). */
function runCliAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], {
      cwd: REPO,
      env: { ...process.env, DATIVO_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const PLUGIN_DIR = join(REPO, 'plugins-rust', 'postgres-reader');
const SCRAM_PW = 'scr4m pass';
const MD5_PW = 'md5-pass';
const ROWS = 2000;

let component: string;
let server: PgServer;

beforeAll(async () => {
  const built = await buildPlugin(PLUGIN_DIR, { log: (l) => (l.startsWith('{') ? undefined : process.stderr.write(`[postgres-reader] ${l}\n`)) });
  component = built.component;
  server = await startPostgres();
  await server.query(`SET password_encryption = 'scram-sha-256'; CREATE ROLE scram_user LOGIN PASSWORD '${SCRAM_PW}'`);
  await server.query(`SET password_encryption = 'md5'; CREATE ROLE md5_user LOGIN PASSWORD '${MD5_PW}'`);
  await server.query(SEED);
  await server.query('GRANT SELECT ON ALL TABLES IN SCHEMA public TO scram_user, md5_user');
}, 900_000);
afterAll(async () => server?.stop());

const SEED = `
CREATE TABLE all_types (
  id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, f8 double precision, price numeric(10,2),
  big numeric, label varchar(50), flag boolean, d date, ts timestamp, tstz timestamptz, uid uuid,
  doc json, docb jsonb, raw bytea, ints integer[], tags text[]);
INSERT INTO all_types SELECT g, (g % 30000 - 15000)::int2, g * 1000 - 7, g::int8 * 10000000000, g / 8.0,
  (g * 1.25)::numeric(10,2), ('12345678901234567890.' || g)::numeric,
  'label ' || g || CASE WHEN g % 7 = 0 THEN ' ünï''"' ELSE '' END, g % 2 = 0, date '2024-01-01' + g,
  timestamp '2024-01-01 00:00:00' + g * interval '61.000123 seconds',
  timestamptz '2024-01-01 00:00:00+02' + g * interval '1 hour', md5(g::text)::uuid,
  json_build_object('g', g, 'tags', array['a', 'b']), jsonb_build_object('n', g, 'nested', jsonb_build_object('x', g % 3)),
  decode(lpad(to_hex(g), 8, '0'), 'hex'), ARRAY[g, NULL, -g]::int[], ARRAY['t' || g, 'with space', 'q"uote']
  FROM generate_series(1, ${ROWS}) g;
UPDATE all_types SET i2 = NULL, i4 = NULL, i8 = NULL, f8 = NULL, price = NULL, big = NULL, label = NULL, flag = NULL,
  d = NULL, ts = NULL, tstz = NULL, uid = NULL, doc = NULL, docb = NULL, raw = NULL, ints = NULL, tags = NULL WHERE id % 10 = 0;
UPDATE all_types SET d = date '1969-07-20', ts = timestamp '1999-12-31 23:59:59.999999', ints = '{}', tags = '{}' WHERE id = 1;
CREATE VIEW even_labels AS SELECT id, label FROM all_types WHERE flag;
CREATE TABLE events (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, payload text);
CREATE TABLE ticks (id bigint PRIMARY KEY, tick integer NOT NULL, pad text);
INSERT INTO ticks SELECT g, g / 3, repeat('x', 100) FROM generate_series(1, 3000) g;
INSERT INTO events SELECT g, timestamptz '2024-03-01 00:00:00Z' + (g / 3) * interval '1 minute', 'e' || g FROM generate_series(1, 30) g;
`;

/** The contract of the two tables (ODCS v3.0.2). */
const CONTRACT = {
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: '6f1c0a52-1b7e-4c55-9a57-2d3f0e8b4a11',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'all_types',
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true, primaryKey: true },
        { name: 'i2', logicalType: 'integer', physicalType: 'smallint' },
        { name: 'i4', logicalType: 'integer', physicalType: 'integer' },
        { name: 'i8', logicalType: 'integer', physicalType: 'bigint' },
        { name: 'f8', logicalType: 'number', physicalType: 'double' },
        { name: 'price', logicalType: 'number', physicalType: 'numeric(10,2)' },
        { name: 'big', logicalType: 'string', physicalType: 'numeric' },
        { name: 'label', logicalType: 'string', physicalType: 'varchar(50)' },
        { name: 'flag', logicalType: 'boolean' },
        { name: 'd', logicalType: 'date', physicalType: 'date' },
        { name: 'ts', logicalType: 'date', physicalType: 'timestamp' },
        { name: 'tstz', logicalType: 'date', physicalType: 'timestamptz' },
        { name: 'uid', logicalType: 'string', physicalType: 'uuid' },
        { name: 'doc', logicalType: 'object', physicalType: 'json' },
        { name: 'docb', logicalType: 'object', physicalType: 'jsonb' },
        { name: 'raw', logicalType: 'string', physicalType: 'bytea' },
        { name: 'ints', logicalType: 'array', physicalType: 'array' },
        { name: 'tags', logicalType: 'array', physicalType: 'array' },
      ],
    },
    {
      name: 'events',
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true, primaryKey: true },
        { name: 'updated_at', logicalType: 'date', physicalType: 'timestamptz', required: true },
        { name: 'payload', logicalType: 'string' },
      ],
    },
    {
      name: 'ticks',
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true, primaryKey: true },
        { name: 'tick', logicalType: 'integer', physicalType: 'integer', required: true },
        { name: 'pad', logicalType: 'string' },
      ],
    },
  ],
};

interface JobOptions {
  stream: string;
  port?: number;
  config?: Record<string, unknown>;
  incremental?: Record<string, unknown>;
  policy?: Record<string, unknown>;
  password?: string;
}

/** A postgres-reader instance in this process, granted the server's port and `pg_password`. */
async function openReader(password: string) {
  const plugin = await loadPlugin({
    manifest: writeManifest(component, { name: 'postgres-reader', capabilities: { tcp: [`127.0.0.1:${server.port}`], secrets: ['pg_password'] } }),
    env: {},
    secrets: new StaticSecretManager({ pg_password: password }),
    logger: createLogger({ destination: new MemoryLogDestination(), level: 'debug' }),
  });
  return plugin.openReader();
}

/** A job folder (contract, secrets file, manifest granting 127.0.0.1:port) and a runner. */
function jobFolder() {
  const dir = tempDir('dativo-pg-job-');
  writeFileSync(join(dir, 'contract.odcs.yaml'), stringify(CONTRACT));
  const run = (o: JobOptions) => {
    const port = o.port ?? server.port;
    const grant = `127.0.0.1:${port}`;
    const manifest = writeManifest(component, { name: 'postgres-reader', capabilities: { tcp: [grant], secrets: ['pg_password'] }, limits: { memory_mb: 512, call_timeout_ms: 120000 } });
    writeFileSync(join(dir, 'secrets.yaml'), stringify({ pg_password: o.password ?? SCRAM_PW }));
    const job = {
      tenant_id: 'acme',
      environment: 'test',
      source_connector: 'postgres',
      target_connector: 'local',
      asset_path: 'contract.odcs.yaml',
      source: {
        plugin: manifest,
        objects: [o.stream],
        config: { host: '127.0.0.1', port, database: 'postgres', user: 'scram_user', batch_rows: 300, ...o.config },
        ...(o.incremental ? { incremental: o.incremental } : {}),
      },
      target: { connection: { local: { path: 'out' } } },
      schema_validation_mode: 'strict',
      secrets: { manager: 'file', path: 'secrets.yaml' },
      policy: o.policy ?? { tcp: [grant], secrets: ['pg_password'] },
      retries: { max_attempts: 3, base_delay_ms: 50 },
      state: { path: 'state' },
    };
    writeFileSync(join(dir, 'job.yaml'), stringify(job));
    return runCliAsync(['run', join(dir, 'job.yaml'), '--json']);
  };
  return { dir, out: join(dir, 'out'), run };
}

/** DuckDB over the committed Parquet of `stream`. */
async function duck<T = Record<string, unknown>>(out: string, stream: string, select: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const files = `'${join(out, stream).replaceAll("'", "''")}/**/*.parquet'`;
    const r = await conn.runAndReadAll(select.replace('$FILES', `read_parquet(${files})`));
    return r.getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

// Both sides in one canonical form: integers and instants as text, JSON parsed.
const PG_ALL_TYPES = `SELECT id::text AS id, i2, i4, i8::text AS i8, f8, price::text AS price, big::text AS big, label, flag,
  (d - date '1970-01-01') AS d, (extract(epoch FROM ts) * 1000000)::int8::text AS ts,
  (extract(epoch FROM tstz) * 1000000)::int8::text AS tstz, uid::text AS uid, doc::text AS doc, docb::text AS docb,
  '\\x' || encode(raw, 'hex') AS raw, array_to_json(ints)::text AS ints, array_to_json(tags)::text AS tags
  FROM all_types ORDER BY all_types.id`;
const DUCK_ALL_TYPES = `SELECT id::VARCHAR AS id, i2, i4, i8::VARCHAR AS i8, f8, price::VARCHAR AS price, big, label, flag,
  date_diff('day', DATE '1970-01-01', d)::INTEGER AS d, epoch_us(ts)::VARCHAR AS ts, epoch_us(tstz)::VARCHAR AS tstz,
  uid, doc, docb, '\\x' || lower(hex(raw)) AS raw, ints, tags FROM (SELECT * FROM $FILES) t ORDER BY t.id`;
const parsed = (rows: Record<string, unknown>[]) =>
  rows.map((r) => ({ ...r, ints: r.ints === null ? null : JSON.parse(r.ints as string), tags: r.tags === null ? null : JSON.parse(r.tags as string) }));

const summaryOf = (stdout: string) => JSON.parse(stdout) as { status: string; records: number; streams: { checkpoint?: string }[] };

describe('postgres-reader against PostgreSQL 15', () => {
  it('a full read of every type, committed as Parquet, equals what the server returns row by row', async () => {
    const job = jobFolder();
    const r = await job.run({ stream: 'all_types' });
    expect(r.status, r.stderr).toBe(0);
    expect(summaryOf(r.stdout).records).toBe(ROWS);
    const expected = parsed(await server.query(PG_ALL_TYPES));
    const got = parsed(await duck(job.out, 'all_types', DUCK_ALL_TYPES));
    expect(got.length).toBe(ROWS);
    for (let i = 0; i < ROWS; i++) expect(got[i], `row ${i + 1}`).toEqual(expected[i]);
    // Spot checks of what the comparison alone would not show.
    expect(got[0]).toMatchObject({ d: -165, ts: '946684799999999', ints: [], tags: [] });
    expect(got[6]!.label).toBe(`label 7 ünï'"`);
    expect(got[1]!.big).toBe('12345678901234567890.2');
    // numeric(10,2) and bytea arrive as Decimal128(10,2) and Binary, written as such.
    expect(got[1]).toMatchObject({ price: '2.50', raw: '\\x00000002' });
    const types = await duck<{ name: string; type: string }>(job.out, 'all_types', "SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT price, raw FROM $FILES)");
    expect(types).toEqual([{ name: 'price', type: 'DECIMAL(10,2)' }, { name: 'raw', type: 'BLOB' }]);
    expect(got[9]).toMatchObject({ i2: null, tstz: null, ints: null, raw: null });
  }, 180_000);

  it('incremental by a cursor column: a rerun reads only newer rows; a lookback re-reads its window', async () => {
    const job = jobFolder();
    const incremental = { strategy: 'cursor', cursor_field: 'updated_at' };
    // 30 rows, 3 per minute: batches of 4 rows would end inside a minute; they end after it.
    const first = await job.run({ stream: 'events', incremental, config: { batch_rows: 4 } });
    expect(first.status, first.stderr).toBe(0);
    expect(summaryOf(first.stdout).streams[0]!.checkpoint).toBe('{"cursor_field":"updated_at","value":"2024-03-01 00:10:00.000000+00"}');
    await server.query(`INSERT INTO events VALUES (31, '2024-03-01 00:10:00Z', 'same instant as the last'), (32, '2024-03-01 00:11:00Z', 'new'), (33, '2024-03-01 00:12:00Z', 'new')`);
    const second = await job.run({ stream: 'events', incremental, config: { batch_rows: 4 } });
    expect(second.status, second.stderr).toBe(0);
    const ids = (await duck<{ id: bigint }>(job.out, 'events', 'SELECT id FROM $FILES ORDER BY id')).map((r) => Number(r.id));
    // Row 31 shares the committed cursor value: "greater than" leaves it out, as documented.
    expect(ids).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), 32, 33]);
    const expected = await server.query<{ id: string; us: string; payload: string }>(
      `SELECT id::text AS id, (extract(epoch FROM updated_at) * 1000000)::int8::text AS us, payload FROM events WHERE id <> 31 ORDER BY id`);
    const got = await duck<{ id: string; us: string; payload: string }>(job.out, 'events', 'SELECT id::VARCHAR AS id, epoch_us(updated_at)::VARCHAR AS us, payload FROM $FILES ORDER BY id');
    expect(got).toEqual(expected);
    // A lookback of 3 minutes re-reads the rows after 00:09 (the checkpoint is 00:12): 30 and
    // 31 (00:10), 32, 33; a lookback is for late rows, and reads these again by design.
    const third = await job.run({ stream: 'events', incremental: { ...incremental, lookback: '3m' }, config: { batch_rows: 4 } });
    expect(third.status, third.stderr).toBe(0);
    expect(summaryOf(third.stdout).records).toBe(4);
    const fourth = await job.run({ stream: 'events', incremental, config: { batch_rows: 4 } });
    expect(summaryOf(fourth.stdout).records).toBe(0);
    await server.query('DELETE FROM events WHERE id > 30');
  }, 180_000);

  it('discover: tables and views with columns, Arrow-derived types and the primary key', async () => {
    const reader = await openReader(MD5_PW);
    try {
      const streams = await reader.discover({ host: '127.0.0.1', port: server.port, database: 'postgres', user: 'md5_user' });
      expect(streams.map((s) => s.name)).toEqual(['all_types', 'even_labels', 'events', 'ticks']);
      const all = streams[0]!;
      expect(all.primaryKey).toEqual(['id']);
      expect(all.supportsIncremental).toBe(true);
      expect(all.cursorFields).toEqual(['id', 'i2', 'i4', 'i8', 'price', 'big', 'label', 'd', 'ts', 'tstz', 'uid']);
      const props = (all.jsonSchema as { properties: Record<string, unknown>; required: string[] }).properties;
      expect(props).toMatchObject({
        id: { type: 'integer' },
        i2: { type: ['integer', 'null'] },
        f8: { type: ['number', 'null'] },
        price: { type: ['number', 'null'], format: 'decimal(10,2)' },
        raw: { type: ['string', 'null'], format: 'binary' },
        flag: { type: ['boolean', 'null'] },
        d: { type: ['string', 'null'], format: 'date' },
        tstz: { type: ['string', 'null'], format: 'date-time' },
        ints: { type: ['array', 'null'], items: { type: ['integer', 'null'] } },
        tags: { type: ['array', 'null'], items: { type: ['string', 'null'] } },
      });
      expect((all.jsonSchema as { required: string[] }).required).toEqual(['id']);
      expect(streams[1]!.primaryKey).toEqual([]);
      expect(Object.keys((streams[1]!.jsonSchema as { properties: object }).properties)).toEqual(['id', 'label']);
    } finally {
      await reader.close();
    }
  }, 120_000);

  it('a wrong password is PLUGIN_AUTH, for scram-sha-256 and for md5', async () => {
    const job = jobFolder();
    for (const [user, password] of [['scram_user', 'wrong'], ['md5_user', 'wrong']] as const) {
      const r = await job.run({ stream: 'events', config: { user }, password });
      expect(r.status).not.toBe(0);
      expect(r.stderr + r.stdout).toContain('PLUGIN_AUTH');
      expect(r.stderr + r.stdout).toContain('28P01');
    }
    const ok = await job.run({ stream: 'events', config: { user: 'md5_user' }, password: MD5_PW });
    expect(ok.status, ok.stderr).toBe(0);
  }, 120_000);

  it('a job whose policy has no tcp grant: CAPABILITY_DENIED, and the server sees no connection', async () => {
    const job = jobFolder();
    const before = (server.log().match(/connection received/g) ?? []).length;
    const r = await job.run({ stream: 'events', policy: { secrets: ['pg_password'] } });
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('CAPABILITY_DENIED');
    // One connection of our own, to prove the log counts them.
    const pool = await import('pg');
    const c = new pool.default.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' });
    await c.connect();
    await c.end();
    await new Promise((res) => setTimeout(res, 200));
    expect((server.log().match(/connection received/g) ?? []).length).toBe(before + 1);
  }, 120_000);

  it('a connection dropped mid-stream is retried from the last checkpoint: every row once', async () => {
    const proxy = await startCuttingProxy(server.port, 150_000);
    try {
      const job = jobFolder();
      const r = await job.run({ stream: 'all_types', port: proxy.port, incremental: { strategy: 'cursor', cursor_field: 'id' } });
      expect(r.status, r.stderr).toBe(0);
      expect(proxy.cuts).toBe(1);
      expect(r.stderr).toContain('reopening at the last checkpoint');
      expect(r.stderr).toMatch(/"code":"PLUGIN_CONNECTION".*read failed, reopening/);
      const ids = (await duck<{ id: bigint }>(job.out, 'all_types', 'SELECT id FROM $FILES ORDER BY id')).map((x) => Number(x.id));
      expect(ids).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
      const expected = parsed(await server.query(PG_ALL_TYPES));
      expect(parsed(await duck(job.out, 'all_types', DUCK_ALL_TYPES))).toEqual(expected);
    } finally {
      await proxy.close();
    }
  }, 180_000);

  it('a drop while the cursor has ties: batches end where the value changes, so none is lost', async () => {
    // 3 rows per tick, 100 rows a batch: a batch cut inside a tick would resume after it.
    const proxy = await startCuttingProxy(server.port, 120_000);
    try {
      const job = jobFolder();
      const r = await job.run({ stream: 'ticks', port: proxy.port, incremental: { strategy: 'cursor', cursor_field: 'tick' }, config: { batch_rows: 100 } });
      expect(r.status, r.stderr).toBe(0);
      expect(proxy.cuts).toBe(1);
      expect(r.stderr).toContain('reopening at the last checkpoint');
      const ids = (await duck<{ id: bigint }>(job.out, 'ticks', 'SELECT id FROM $FILES ORDER BY id')).map((x) => Number(x.id));
      expect(ids).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    } finally {
      await proxy.close();
    }
  }, 180_000);

  it('integers come in the width the record schema asks for (widened only); numeric(p,s) and bytea as Decimal128 and Binary', async () => {
    const typesOf = async (schema?: Record<string, unknown>) => {
      const reader = await openReader(SCRAM_PW);
      const config = { host: '127.0.0.1', port: server.port, database: 'postgres', user: 'scram_user', batch_rows: 10 };
      let types: Record<string, string> = {};
      try {
        for await (const b of reader.read({ config, stream: 'all_types', ...(schema ? { schema } : {}) })) {
          types = Object.fromEntries(tableFromIPC(b.bytes).schema.fields.map((f) => [f.name, String(f.type)]));
        }
      } finally {
        await reader.close();
      }
      return types;
    };
    const schema = { type: 'object', properties: { i2: { type: ['integer', 'null'], format: 'int32' }, i4: { type: 'integer' }, i8: { type: 'integer', format: 'int32' } } };
    expect(await typesOf(schema)).toMatchObject({ i2: 'Int32', i4: 'Int64', i8: 'Int64', price: 'Decimal[10e+2]', raw: 'Binary', big: 'Utf8' });
    expect(await typesOf()).toMatchObject({ i2: 'Int16', i4: 'Int32', i8: 'Int64' });
  }, 120_000);

  it('an error the server reports (no such table) is PLUGIN_CONFIG naming it', async () => {
    const e = await (async () => {
      const reader = await openReader(SCRAM_PW);
      try {
        for await (const _ of reader.read({ config: { host: '127.0.0.1', port: server.port, database: 'postgres', user: 'scram_user' }, stream: 'nope' })) void _;
      } catch (err) {
        return err as HostError;
      } finally {
        await reader.close();
      }
      return undefined;
    })();
    expect(e).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'PG_42P01' } });
    expect(e!.message).toContain('relation "public.nope" does not exist');
  }, 120_000);
});
