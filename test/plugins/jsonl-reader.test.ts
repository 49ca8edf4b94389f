/**
 * jsonl-reader (plugins-rust/jsonl-reader) end to end through the jsonl recipe: jobs over
 * crafted JSON Lines files (plain, gzip, zstd), the committed Parquet read back and
 * compared with what DuckDB's read_json reads from the same files; incremental runs.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { workspace, type Workspace } from '../correctness/workspace.js';

const MANIFEST = join(REPO, 'plugins-rust', 'jsonl-reader', 'dist', 'plugin.yaml');

const CONTRACT = {
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: '5f1c2e7a-3b4d-4c6e-8f9a-0b1c2d3e4f5a',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'events',
      logicalType: 'object',
      properties: [
        { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
        { name: 'kind', logicalType: 'string', required: true },
        { name: 'score', logicalType: 'number' },
        { name: 'at', logicalType: 'date', physicalType: 'timestamp' },
        { name: 'payload', logicalType: 'object' },
        { name: 'tags', logicalType: 'array' },
      ],
    },
  ],
};

interface Event {
  id: number;
  kind: string;
  score: number | null;
  at: number | null;
  payload: unknown;
  tags: unknown;
}

const event = (i: number) => ({
  id: i,
  kind: i % 3 === 0 ? 'click' : 'view "quoted"',
  ...(i % 5 === 0 ? {} : { score: i / 8 }),
  at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
  payload: i % 4 === 0 ? null : { user: { id: i * 7, name: `u${i}` }, n: [i, i + 0.5] },
  tags: i % 2 === 0 ? ['a', `t${i}`] : [],
});
const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, k) => JSON.stringify(event(from + k))).join('\n') + '\n';

const sql = (s: string) => `'${s.replaceAll("'", "''")}'`;
const parse = (v: unknown) => (v === null || v === undefined ? null : JSON.parse(String(v)));

/** The committed rows, nested values parsed, sorted by id. */
function committed(ws: Workspace): Event[] {
  return readRows(join(ws.out, 'events'))
    .map((r) => ({
      id: Number(r.id),
      kind: r.kind as string,
      score: (r.score as number | null) ?? null,
      at: r.at === null ? null : Number(r.at),
      payload: parse(r.payload),
      tags: parse(r.tags),
    }))
    .sort((a, b) => a.id - b.id);
}

/** DuckDB's rows of the files, typed as the contract's events. */
async function duckdb(files: string[]): Promise<Event[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const columns = "columns={'id':'BIGINT','kind':'VARCHAR','score':'DOUBLE','at':'TIMESTAMPTZ','payload':'JSON','tags':'JSON'}";
    const list = `[${files.map(sql).join(',')}]`;
    const r = await conn.runAndReadAll(
      `SELECT id, kind, score, epoch_ms("at") AS "at", payload::VARCHAR AS payload, tags::VARCHAR AS tags ` +
        `FROM read_json(${list}, format='newline_delimited', ${columns}) ORDER BY id`,
    );
    return r.getRowObjectsJS().map((x) => ({
      id: Number(x.id),
      kind: String(x.kind),
      score: x.score === null ? null : Number(x.score),
      at: x.at === null ? null : Number(x.at),
      payload: parse(x.payload),
      tags: parse(x.tags),
    }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function jsonlWorkspace(): Workspace {
  const ws = workspace();
  ws.write('contract.odcs.yaml', stringify(CONTRACT));
  return ws;
}

function run(ws: Workspace, files: string[], extra: Record<string, unknown> = {}) {
  ws.writeJob({ source_connector: 'jsonl', source: { plugin: MANIFEST, objects: ['events'], files, ...extra } });
  const r = runCli(['run', ws.job, '--json']);
  return { ...r, json: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, any>) : undefined };
}

describe('jsonl-reader through the jsonl recipe', () => {
  it('plain, gzip and zstd files: the committed rows equal DuckDB read_json of the same files', async () => {
    const ws = jsonlWorkspace();
    const plain = ws.write('data/events/a.jsonl', lines(1, 300));
    const gz = ws.write('data/events/b.ndjson.gz', '');
    writeFileSync(gz, gzipSync(lines(301, 300)));
    // The zstd file is written by DuckDB (Node 20 has no zstd).
    const zst = join(ws.dir, 'data/events/c.jsonl.zst');
    const src = ws.write('src/c.jsonl', lines(601, 300));
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`COPY (SELECT * FROM read_json(${sql(src)}, format='newline_delimited')) TO ${sql(zst)} (FORMAT 'json', COMPRESSION 'zstd')`);
    conn.closeSync();
    instance.closeSync();

    const r = run(ws, ['data/events/*']);
    expect(r.status, r.stderr).toBe(0);
    const rows = committed(ws);
    expect(rows).toHaveLength(900);
    expect(rows).toEqual(await duckdb([plain, gz, zst]));
    expect(rows[0]).toEqual({ id: 1, kind: 'view "quoted"', score: 0.125, at: Date.UTC(2024, 0, 1) + 1000, payload: { user: { id: 7, name: 'u1' }, n: [1, 1.5] }, tags: [] });
    expect(rows[3]!.payload).toBeNull();
  });

  it('incremental by cursor: a second run commits only the records past the checkpoint', () => {
    const ws = jsonlWorkspace();
    const file = ws.write('data/events.jsonl', lines(1, 50));
    const incremental = { incremental: { strategy: 'cursor', cursor_field: 'id' } };
    expect(run(ws, ['data/events.jsonl'], incremental).status).toBe(0);
    appendFileSync(file, lines(51, 20));
    const r = run(ws, ['data/events.jsonl'], incremental);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.records).toBe(20);
    expect(committed(ws).map((e) => e.id)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
  });

  it('incremental by file: an unchanged file is not read again', () => {
    const ws = jsonlWorkspace();
    const incremental = { incremental: { strategy: 'file_mtime' } };
    ws.write('data/events/a.jsonl', lines(1, 10));
    expect(run(ws, ['data/events/*.jsonl'], incremental).status).toBe(0);
    ws.write('data/events/b.jsonl', lines(11, 5));
    const r = run(ws, ['data/events/*.jsonl'], incremental);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json!.records).toBe(5);
    expect(committed(ws)).toHaveLength(15);
  });

  it('a key the contract does not name is an extra column: strict refuses it, extra_columns: drop drops it', () => {
    const ws = jsonlWorkspace();
    ws.write('data/events.jsonl', `${lines(1, 2)}{"id":3,"kind":"x","referrer":{"site":"a"}}\n`);
    const strict = run(ws, ['data/events.jsonl']);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/SCHEMA_MISMATCH: .*column "referrer" is not in the contract/);
    ws.writeJob({ source_connector: 'jsonl', extra_columns: 'drop', source: { plugin: MANIFEST, objects: ['events'], files: ['data/events.jsonl'] } });
    const dropped = runCli(['run', ws.job, '--json']);
    expect(dropped.status, dropped.stderr).toBe(0);
    expect(committed(ws).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(Object.keys(readRows(join(ws.out, 'events'))[0]!)).not.toContain('referrer');
  });

  it('a value of the wrong type fails the run naming the file and line; nothing is committed', () => {
    const ws = jsonlWorkspace();
    ws.write('data/events.jsonl', `${lines(1, 3)}\n{"id":"four","kind":"x"}\n`);
    const r = run(ws, ['data/events.jsonl']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/events\.jsonl line 5: .*field 'id'/);
    expect(committed(ws)).toEqual([]);
  });
});
