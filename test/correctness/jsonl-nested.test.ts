/**
 * Nested JSON Lines values as Arrow Struct and List (issue 14 item 2): a contract of object
 * properties with nested properties (two levels) and array properties with items (integers,
 * objects) read by jsonl-reader natively, committed as Parquet STRUCT / LIST, read back by
 * DuckDB and compared value by value with the source (nulls and missing keys are null). An
 * object without nested properties stays JSON text. A wrong type inside a nested value fails
 * the run with the file and line; csv-reader refuses a Struct column.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-cli.js';
import { workspace, type Workspace } from './workspace.js';

const MANIFEST = join(REPO, 'plugins-rust', 'jsonl-reader', 'dist', 'plugin.yaml');

const PROPERTIES = [
  { name: 'id', logicalType: 'integer', required: true },
  {
    name: 'profile',
    logicalType: 'object',
    properties: [
      { name: 'name', logicalType: 'string' },
      { name: 'address', logicalType: 'object', properties: [{ name: 'city', logicalType: 'string' }, { name: 'zip', logicalType: 'integer' }] },
    ],
  },
  { name: 'scores', logicalType: 'array', items: { logicalType: 'integer' } },
  {
    name: 'items',
    logicalType: 'array',
    items: { logicalType: 'object', properties: [{ name: 'sku', logicalType: 'string' }, { name: 'qty', logicalType: 'integer' }] },
  },
  { name: 'meta', logicalType: 'object' },
];

const contract = (properties: unknown[] = PROPERTIES) => ({
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: '7d0e5c2a-1b3f-4a6d-9e8c-2f4b6a8c0d1e',
  version: '1.0.0',
  status: 'active',
  schema: [{ name: 'people', logicalType: 'object', properties }],
});

type Json = null | number | string | boolean | Json[] | { [k: string]: Json };

const RECORDS: Record<string, Json>[] = [
  { id: 1, profile: { name: 'ann', address: { city: 'Oslo', zip: 1234 } }, scores: [1, 2, 3], items: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: null }], meta: { k: [1] } },
  { id: 2, profile: { name: 'bob' }, scores: [], items: [] },
  { id: 3, profile: null, scores: null, items: [{ sku: 'c' }], meta: null },
  { id: 4 },
  { id: 5, profile: { address: { city: null, zip: 99 } }, scores: [7, null, 9], items: null, meta: { a: 'x' } },
];

/** The record as the contract types it: a missing key is null, nested objects get every field. */
function expected(r: Record<string, Json>) {
  const obj = (v: Json | undefined, f: (o: Record<string, Json>) => unknown) => (v === undefined || v === null ? null : f(v as Record<string, Json>));
  const val = (v: Json | undefined) => (v === undefined ? null : v);
  const address = (a: Record<string, Json>) => ({ city: val(a.city), zip: val(a.zip) });
  return {
    id: r.id,
    profile: obj(r.profile, (p) => ({ name: val(p.name), address: obj(p.address, address) })),
    scores: val(r.scores),
    items: obj(r.items, (xs) => (xs as unknown as Record<string, Json>[]).map((x) => ({ sku: val(x.sku), qty: val(x.qty) }))),
    meta: r.meta === undefined || r.meta === null ? null : JSON.stringify(r.meta),
  };
}

async function duck<T>(ws: Workspace, query: string, table = 'people'): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const files = `'${join(ws.out, table).replaceAll("'", "''")}/**/*.parquet'`;
    return (await conn.runAndReadAll(query.replaceAll('$FILES', files))).getRowObjectsJS() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function run(ws: Workspace, file: string, text: string, plugin = MANIFEST, connector = 'jsonl', job: Record<string, unknown> = {}) {
  ws.write(file, text);
  ws.writeJob({ source_connector: connector, schema_validation_mode: 'strict', source: { plugin, objects: ['people'], files: [file] }, ...job });
  return runCli(['run', ws.job, '--json']);
}

describe('JSON Lines objects and arrays as Arrow Struct and List', () => {
  it('commits Parquet STRUCT and LIST columns equal, value by value, to the source records', async () => {
    const ws = workspace();
    ws.write('contract.odcs.yaml', stringify(contract()));
    const r = run(ws, 'data/people.jsonl', RECORDS.map((x) => JSON.stringify(x)).join('\n') + '\n');
    expect(r.status, r.stderr).toBe(0);
    const types = await duck<{ column_name: string; column_type: string }>(ws, 'DESCRIBE SELECT id, profile, scores, items, meta FROM read_parquet($FILES)');
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      id: 'BIGINT',
      profile: 'STRUCT("name" VARCHAR, address STRUCT(city VARCHAR, zip BIGINT))',
      scores: 'BIGINT[]',
      items: 'STRUCT(sku VARCHAR, qty BIGINT)[]',
      meta: 'VARCHAR',
    });
    const rows = await duck<Record<string, string | null>>(
      ws,
      `SELECT id::VARCHAR AS id, to_json(profile)::VARCHAR AS profile, to_json(scores)::VARCHAR AS scores,
         to_json(items)::VARCHAR AS items, meta FROM read_parquet($FILES) ORDER BY id`,
    );
    const got = rows.map((x) => ({
      id: Number(x.id),
      profile: x.profile === null ? null : JSON.parse(x.profile),
      scores: x.scores === null ? null : JSON.parse(x.scores),
      items: x.items === null ? null : JSON.parse(x.items),
      meta: x.meta,
    }));
    expect(got).toEqual(RECORDS.map(expected));
  }, 300_000);

  it('warn mode quarantines a failing row with its nested values, the others committed', async () => {
    const ws = workspace();
    ws.write('contract.odcs.yaml', stringify(contract()));
    const text = [RECORDS[0], { profile: { name: 'zed', address: { city: 'Rome', zip: 7 } }, scores: [5], items: [{ sku: 'z', qty: 1 }] }, ...RECORDS.slice(1)]
      .map((x) => JSON.stringify(x))
      .join('\n');
    const r = run(ws, 'data/people.jsonl', text + '\n', MANIFEST, 'jsonl', { schema_validation_mode: 'warn', invalid_rows: 'quarantine' });
    expect(r.status, r.stderr).toBe(0);
    const kept = await duck<{ id: string; profile: string | null }>(ws, 'SELECT id::VARCHAR AS id, to_json(profile)::VARCHAR AS profile FROM read_parquet($FILES) ORDER BY id');
    expect(kept.map((x) => [Number(x.id), x.profile === null ? null : JSON.parse(x.profile)])).toEqual(RECORDS.map(expected).map((e) => [e.id, e.profile]));
    const rejected = await duck<Record<string, string | null>>(
      ws,
      'SELECT _rule, _field, to_json(profile)::VARCHAR AS profile, to_json(scores)::VARCHAR AS scores, to_json(items)::VARCHAR AS items FROM read_parquet($FILES)',
      '_rejected/people',
    );
    expect(rejected.map((x) => ({ ...x, profile: JSON.parse(x.profile!), scores: JSON.parse(x.scores!), items: JSON.parse(x.items!) }))).toEqual([
      { _rule: 'required', _field: 'id', profile: { name: 'zed', address: { city: 'Rome', zip: 7 } }, scores: [5], items: [{ sku: 'z', qty: 1 }] },
    ]);
  }, 300_000);

  it('a wrong type inside a nested value fails the run with the file and line', () => {
    const ws = workspace();
    ws.write('contract.odcs.yaml', stringify(contract()));
    const bad = [RECORDS[0], RECORDS[1], { id: 3, profile: { address: { zip: 'oslo' } } }].map((x) => JSON.stringify(x)).join('\n') + '\n';
    const r = run(ws, 'data/bad.jsonl', bad);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('JSON_PARSE_ERROR');
    expect(r.stderr).toMatch(/data\/bad\.jsonl line 3\b/);
    expect(r.stderr).toContain('zip');
  }, 300_000);

  it('csv-reader asked for a Struct column refuses it with a clear error', () => {
    const ws = workspace();
    ws.write('contract.odcs.yaml', stringify(contract(PROPERTIES.slice(0, 2))));
    const csv = join(REPO, 'plugins-rust', 'csv-reader', 'dist', 'plugin.yaml');
    const r = run(ws, 'data/people.csv', 'id,profile\n1,"{""name"":""ann""}"\n', csv, 'csv');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('SCHEMA_UNSUPPORTED');
    expect(r.stderr).toContain('profile');
  }, 300_000);
});
