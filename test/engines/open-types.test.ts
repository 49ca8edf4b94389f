/**
 * Contract columns left open (no logicalType, no physicalType) typed by the connector's own
 * schema; a Singer SCHEMA message that types them otherwise fails the run; a catalog file
 * (engine_config.catalog) instead of a discovery: the tap is started once, not twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readParquet } from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { parquetFiles, readRows } from '../helpers/job.js';
import { engineWorkspace, plain, python, stdoutAlone } from './connectors.js';

const TAP = join(import.meta.dirname, 'scripts', 'script_tap.py');
const OPEN = [
  { name: 'id', logicalType: 'integer', physicalType: 'bigint', required: true },
  { name: 'note' },
  { name: 'amount' },
  { name: 'seen_at' },
  { name: 'flag' },
  { name: 'day' },
  { name: 'either' },
];

function typedJob(mode: string, engineConfig: Record<string, unknown> = {}) {
  const ws = engineWorkspace('singer', 'items', OPEN);
  ws.writeJob({ source: { engine_config: { command: [python(), TAP], ...engineConfig }, config: { mode, calls_file: join(ws.dir, 'calls') } } });
  return ws;
}

const columnTypes = (out: string) => {
  const t = tableFromIPC(readParquet(readFileSync(parquetFiles(out)[0]!)).intoIPCStream());
  return Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
};

describe('open contract columns', () => {
  it("are typed by the tap's schema: number, timestamp, boolean, date, string; a two-typed one stays string", async () => {
    const ws = typedJob('typed');
    expect((await runJob(ws.job)).records).toBe(3);
    expect(columnTypes(ws.out)).toEqual({
      id: 'Int64', note: 'Utf8', amount: 'Float64', seen_at: 'Timestamp<MICROSECOND, UTC>', flag: 'Bool', day: 'Date32<DAY>', either: 'Utf8',
    });
    const rows = readRows(ws.out).map((r) => plain(r, ['seen_at'])).sort((a, b) => Number(a.id) - Number(b.id));
    expect(rows[1]).toMatchObject({ id: 2, note: 'n2', amount: 3, flag: false, either: 'x' });
    expect(rows[1]!.seen_at).toBe('2024-01-02T03:04:05.000Z');
  });

  it('a SCHEMA message that types an open column otherwise than the discovery fails the run; nothing is committed', async () => {
    const ws = typedJob('retyped');
    const err = await runJob(ws.job).then(() => undefined, (e: { code: string; message: string }) => e);
    expect(err?.code).toBe('ENGINE_SCHEMA_CHANGED');
    expect(err?.message).toMatch(/amount: number -> string/);
    expect(readRows(ws.out)).toEqual([]);
  });
});

describe('engine_config.catalog', () => {
  it('is used instead of --discover: the tap starts once per run', async () => {
    const discovered = typedJob('typed');
    await runJob(discovered.job);
    expect(readFileSync(join(discovered.dir, 'calls'), 'utf8')).toBe('discover\nread\n');

    const ws = typedJob('typed', { catalog: 'catalog.json' });
    const config = ws.write('tap.json', JSON.stringify({ mode: 'typed' }));
    ws.write('catalog.json', stdoutAlone([python(), TAP, '--config', config, '--discover'], ws.dir));
    expect((await runJob(ws.job)).records).toBe(3);
    expect(readFileSync(join(ws.dir, 'calls'), 'utf8')).toBe('read\n');
    expect(columnTypes(ws.out)).toMatchObject({ amount: 'Float64', flag: 'Bool' }); // typed by the file's schema
  });
});
