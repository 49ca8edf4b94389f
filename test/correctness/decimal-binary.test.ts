/**
 * Decimal128 and Binary end to end: a PostgreSQL table of numeric(p,s) and bytea columns read
 * by postgres-reader (as Decimal128(p,s) and Binary), validated against a contract of
 * `number` + physicalType numeric(p,s) and `string` + physicalType bytea, committed as
 * Parquet DECIMAL and BYTE_ARRAY, read back by DuckDB and compared with the server's own text
 * digit for digit. numeric wider than 38 digits travels as text (a contract string). And a
 * CSV of decimals beyond a double's 15-17 digits through csv-reader, which the record
 * schema asks for the column as text.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildPlugin } from '../../host/src/build/build-plugin.js';
import { REPO, tempDir, writeManifest } from '../helpers/fixtures.js';
import { startPostgres, type PgServer } from '../helpers/postgres-server.js';
import { CSV_READER_MANIFEST } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';

const PW = 'dec pw';
let server: PgServer;
let component: string;

beforeAll(async () => {
  component = (await buildPlugin(join(REPO, 'plugins-rust', 'postgres-reader'), { log: () => undefined })).component;
  server = await startPostgres();
  await server.query(`SET password_encryption = 'scram-sha-256'; CREATE ROLE dec_user LOGIN PASSWORD '${PW}'`);
  await server.query(`CREATE TABLE money (id bigint PRIMARY KEY, amount numeric(20,2) NOT NULL, fine numeric(38,10),
    small numeric(5,0), wide numeric(50,2), raw bytea);
  INSERT INTO money VALUES
    (1, 12345678901234567.89, 1234567890123456789012345678.0123456789, 99999, 123456789012345678901234567890123456789012345678.99, '\\x00ff10'),
    (2, -12345678901234567.89, -0.0000000001, -99999, -0.01, ''),
    (3, 99999999999999999.99, 0, 0, NULL, NULL),
    (4, -0.01, NULL, NULL, 0, '\\xdeadbeef');
  INSERT INTO money SELECT g, g * 1.01, g / 7.0, g % 1000, g, int8send(g) FROM generate_series(5, 3000) g;
  GRANT SELECT ON money TO dec_user;`);
}, 900_000);
afterAll(async () => server?.stop());

const contract = (amountOptions: Record<string, unknown> = {}) => ({
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: 'a4f0c2de-5b7e-4e0a-9d3c-7c1f2b8e6a10',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'money',
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', primaryKey: true },
        { name: 'amount', logicalType: 'number', physicalType: 'numeric(20,2)', required: true, logicalTypeOptions: amountOptions },
        { name: 'fine', logicalType: 'number', physicalType: 'numeric(38,10)' },
        { name: 'small', logicalType: 'number', physicalType: 'numeric(5,0)' },
        { name: 'wide', logicalType: 'string', physicalType: 'numeric(50,2)' },
        { name: 'raw', logicalType: 'string', physicalType: 'bytea' },
      ],
    },
  ],
});

function runJob(c: object) {
  const dir = tempDir('dativo-dec-');
  const grant = `127.0.0.1:${server.port}`;
  const manifest = writeManifest(component, { name: 'postgres-reader', capabilities: { tcp: [grant], secrets: ['pg_password'] } });
  writeFileSync(join(dir, 'contract.odcs.yaml'), stringify(c));
  writeFileSync(join(dir, 'secrets.yaml'), stringify({ pg_password: PW }));
  const job = {
    tenant_id: 'acme',
    source_connector: 'postgres',
    target_connector: 'local',
    asset_path: 'contract.odcs.yaml',
    source: { plugin: manifest, objects: ['money'], config: { host: '127.0.0.1', port: server.port, database: 'postgres', user: 'dec_user', batch_rows: 1000 } },
    target: { connection: { local: { path: 'out' } } },
    schema_validation_mode: 'strict',
    secrets: { manager: 'file', path: 'secrets.yaml' },
    policy: { tcp: [grant], secrets: ['pg_password'] },
    state: { path: 'state' },
  };
  writeFileSync(join(dir, 'job.yaml'), stringify(job));
  return { out: join(dir, 'out'), ...runCli(['run', join(dir, 'job.yaml'), '--json']) };
}

async function duck<T>(out: string, sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const files = `'${join(out, 'money').replaceAll("'", "''")}/**/*.parquet'`;
    return (await conn.runAndReadAll(sql.replaceAll('$FILES', files))).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const TEXT_PG = `SELECT id::text AS id, amount::text AS amount, fine::text AS fine, small::text AS small, wide::text AS wide,
  CASE WHEN raw IS NULL THEN NULL ELSE '\\x' || encode(raw, 'hex') END AS raw FROM money ORDER BY money.id`;
const TEXT_DUCK = `SELECT id::VARCHAR AS id, amount::VARCHAR AS amount, fine::VARCHAR AS fine, small::VARCHAR AS small, wide,
  CASE WHEN raw IS NULL THEN NULL ELSE '\\x' || lower(hex(raw)) END AS raw FROM read_parquet($FILES) t ORDER BY t.id`;

describe('Decimal128 and Binary through a job', () => {
  it('numeric(p,s) and bytea survive the round trip digit for digit, as Parquet DECIMAL and BYTE_ARRAY', async () => {
    const r = runJob(contract());
    expect(r.status, r.stderr).toBe(0);
    const expected = await server.query(TEXT_PG);
    const got = await duck<Record<string, string | null>>(r.out, TEXT_DUCK);
    expect(got.length).toBe(3000);
    expect(got).toEqual(expected);
    expect(got.slice(0, 4).map((x) => x.amount)).toEqual(['12345678901234567.89', '-12345678901234567.89', '99999999999999999.99', '-0.01']);
    expect(got[0]!.fine).toBe('1234567890123456789012345678.0123456789');
    expect(got[0]!.wide).toBe('123456789012345678901234567890123456789012345678.99');
    const schema = await duck<{ name: string; type: string; logical: string | null }>(
      r.out,
      `SELECT DISTINCT name, type, coalesce(logical_type, converted_type) AS logical FROM parquet_schema($FILES) WHERE name IN ('amount', 'fine', 'small', 'raw') ORDER BY name`,
    );
    expect(schema.map((s) => [s.name, s.type, /DECIMAL/i.test(String(s.logical)) ? 'DECIMAL' : s.logical])).toEqual([
      ['amount', 'FIXED_LEN_BYTE_ARRAY', 'DECIMAL'],
      ['fine', 'FIXED_LEN_BYTE_ARRAY', 'DECIMAL'],
      ['raw', 'BYTE_ARRAY', null],
      ['small', 'INT32', 'DECIMAL'],
    ]);
    const types = await duck<{ column_name: string; column_type: string }>(r.out, 'DESCRIBE SELECT amount, fine, small, raw FROM read_parquet($FILES)');
    expect(types.map((t) => t.column_type)).toEqual(['DECIMAL(20,2)', 'DECIMAL(38,10)', 'DECIMAL(5,0)', 'BLOB']);
  }, 300_000);

  it('strict bounds compare exactly: 99999999999999999.99 is below 1e17 (equal as doubles)', async () => {
    const ok = runJob(contract({ maximum: 1e17, exclusiveMaximum: true, minimum: -12345678901234567.89 }));
    expect(ok.status, ok.stderr).toBe(0);
    const bad = runJob(contract({ maximum: 5e16 }));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('DATA_VALIDATION_FAILED');
    expect(bad.stderr).toContain('99999999999999999.99');
  }, 300_000);

  it('a CSV of 17-20 digit decimals through csv-reader keeps every digit (the reader is asked for text)', async () => {
    const dir = tempDir('dativo-dec-csv-');
    const values = ['12345678901234567.89', '-99999999999999999.99', '0.01', '', '123.4', '-0'];
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'money.csv'), `id,amount\n${values.map((v, i) => `${i + 1},${v}`).join('\n')}\n`);
    const c = contract();
    c.schema[0]!.properties = c.schema[0]!.properties.slice(0, 2).map((p) => ({ ...p, required: false }));
    writeFileSync(join(dir, 'contract.odcs.yaml'), stringify(c));
    writeFileSync(join(dir, 'job.yaml'), stringify({
      tenant_id: 'acme',
      source_connector: 'csv',
      target_connector: 'local',
      asset_path: 'contract.odcs.yaml',
      source: { plugin: CSV_READER_MANIFEST, objects: ['money'], files: ['data/money.csv'] },
      target: { connection: { local: { path: 'out' } } },
      schema_validation_mode: 'strict',
    }));
    const r = runCli(['run', join(dir, 'job.yaml'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const got = await duck<{ amount: string | null }>(join(dir, 'out'), 'SELECT amount::VARCHAR AS amount FROM read_parquet($FILES) ORDER BY id');
    expect(got.map((x) => x.amount)).toEqual(['12345678901234567.89', '-99999999999999999.99', '0.01', null, '123.40', '0.00']);
  }, 300_000);
});
