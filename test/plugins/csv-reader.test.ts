/**
 * csv-reader (plugins-rust/csv-reader) end to end: built from source, loaded through
 * the real host (manifest, sandbox, worker), its Arrow IPC batches decoded with
 * apache-arrow and compared with the CSV they came from, value by value.
 */
import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import type { ReaderClient } from '../../host/src/runtime/reader-client.js';
import type { Batch, ReadRequest } from '../../host/src/runtime/plugin-types.js';
import type { HostError } from '../../host/src/errors/index.js';
import { FIXTURE_DIR, tempDir, writeManifest } from '../helpers/fixtures.js';
import { buildPlugins } from './build-plugins.js';

let component: string;

beforeAll(async () => {
  const built = await buildPlugins(join(FIXTURE_DIR, 'plugins'), (line) => {
    if (!line.startsWith('{')) process.stderr.write(`[plugins] ${line}\n`);
  });
  component = built['csv-reader']!;
}, 900_000);

// ---------------------------------------------------------------------------
// Data: 7 columns of every kind the reader types.

const HEADER = ['id', 'customer', 'amount', 'qty', 'ordered_at', 'express', 'day'];

interface Row {
  id: number;
  customer: string | null;
  amount: number | null;
  qty: number;
  /** Microseconds since the epoch. */
  orderedAtUs: number;
  express: boolean | null;
  /** Days since the epoch. */
  day: number;
}

const BASE_MS = Date.UTC(2024, 0, 1);

function makeRow(i: number): Row {
  return {
    id: i,
    // Every 97th customer is empty (null); some need quoting.
    customer: i % 97 === 0 ? null : i % 10 === 3 ? `Smith, "Jr." ${i}` : `customer_${i}`,
    amount: i % 89 === 0 ? null : Math.round(i * 12.345 * 100) / 100,
    qty: (i * 7) % 23,
    orderedAtUs: (BASE_MS + i * 60_000) * 1000 + ((i * 123_457) % 1_000_000),
    express: i % 83 === 0 ? null : i % 3 === 0,
    day: Math.floor(BASE_MS / 86_400_000) + (i % 365),
  };
}

function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;
}

function csvLine(r: Row): string {
  const quote = (s: string | null) => (s === null ? '' : /[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [
    r.id,
    quote(r.customer),
    r.amount ?? '',
    r.qty,
    isoMicros(r.orderedAtUs),
    r.express === null ? '' : r.express,
    new Date(r.day * 86_400_000).toISOString().slice(0, 10),
  ].join(',');
}

const rowsFrom = (first: number, count: number): Row[] => Array.from({ length: count }, (_, k) => makeRow(first + k));
const csvText = (rows: Row[], header = true): string => (header ? `${HEADER.join(',')}\n` : '') + rows.map(csvLine).join('\n') + '\n';

/** A contract-like JSON Schema of one record. */
const CONTRACT = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    customer: { type: 'string' },
    amount: { type: 'number' },
    qty: { type: 'integer' },
    ordered_at: { type: 'string', format: 'date-time' },
    express: { type: 'boolean' },
    day: { type: 'string', format: 'date' },
  },
  required: ['id', 'qty', 'ordered_at', 'day'],
};

// ---------------------------------------------------------------------------
// Running the reader through the host.

let readers: ReaderClient[] = [];
afterEach(async () => {
  await Promise.all(readers.map((r) => r.close()));
  readers = [];
});

async function openReader(dataDir: string, limits?: Record<string, unknown>): Promise<{ reader: ReaderClient; logs: MemoryLogDestination }> {
  const manifest = writeManifest(component, {
    name: 'csv-reader',
    capabilities: { filesystem: [{ guest: '/data', access: 'read' }] },
    ...(limits ? { limits } : {}),
  });
  const logs = new MemoryLogDestination();
  const plugin = await loadPlugin({ manifest, bindings: { '/data': dataDir }, env: {}, logger: createLogger({ destination: logs, level: 'debug' }) });
  const reader = await plugin.openReader();
  readers.push(reader);
  return { reader, logs };
}

interface ReadResult {
  batches: Batch[];
  tables: Table[];
  error: HostError | undefined;
}

async function readAll(reader: ReaderClient, req: Partial<ReadRequest> & { config: unknown }): Promise<ReadResult> {
  const batches: Batch[] = [];
  let error: HostError | undefined;
  try {
    for await (const batch of reader.read({ stream: 'orders', ...req })) batches.push(batch);
  } catch (e) {
    error = e as HostError;
  }
  return { batches, tables: batches.map((b) => tableFromIPC(b.bytes)), error };
}

/** Every row of every batch, as plain values comparable with Row. */
function decodedRows(tables: Table[]): Row[] {
  const out: Row[] = [];
  for (const t of tables) {
    const col = (name: string) => t.getChild(name)!;
    for (let i = 0; i < t.numRows; i++) {
      const ts = col('ordered_at').get(i) as number | null; // ms, with the microseconds as a fraction
      out.push({
        id: Number(col('id').get(i)),
        customer: col('customer').get(i) as string | null,
        amount: col('amount').get(i) as number | null,
        qty: Number(col('qty').get(i)),
        orderedAtUs: ts === null ? NaN : Math.round(ts * 1000),
        express: col('express').get(i) as boolean | null,
        day: Math.round((col('day').get(i) as number) / 86_400_000),
      });
    }
  }
  return out;
}

const fieldTypes = (t: Table) => Object.fromEntries(t.schema.fields.map((f) => [f.name, `${String(f.type)}${f.nullable ? '?' : ''}`]));

function dataDir(files: Record<string, string>): string {
  const dir = tempDir('dativo-csv-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

// ---------------------------------------------------------------------------

describe('csv-reader: spec, check, discover', () => {
  it('publishes its version, a JSON Schema of its config and the Arrow IPC encoding', async () => {
    const { reader } = await openReader(dataDir({}));
    const spec = await reader.spec();
    expect(spec.version).toBe('0.1.0');
    expect(spec.encodings).toEqual(['arrow-ipc-stream']);
    expect(spec.configSchema).toMatchObject({ type: 'object', required: ['files'] });
    expect(Object.keys(spec.configSchema.properties as object)).toEqual([
      'files', 'delimiter', 'has_header', 'batch_rows', 'null_values', 'quote', 'escape', 'comment', 'skip_rows', 'compression', 'encoding', 'incremental',
    ]);
  });

  it('check passes for existing files and wildcards', async () => {
    const { reader } = await openReader(dataDir({ 'orders.csv': csvText(rowsFrom(1, 5)), 'more.csv': csvText(rowsFrom(6, 5)) }));
    await expect(reader.check({ files: ['/data/orders.csv'] })).resolves.toBeUndefined();
    await expect(reader.check({ files: ['/data/*.csv'] })).resolves.toBeUndefined();
  });

  it('check fails with PLUGIN_CONFIG / FILE_NOT_FOUND naming a missing file or an empty wildcard', async () => {
    const { reader } = await openReader(dataDir({ 'orders.csv': csvText(rowsFrom(1, 5)) }));
    const missing = await reader.check({ files: ['/data/orders.csv', '/data/nope.csv'] }).catch((e: HostError) => e);
    expect(missing).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'FILE_NOT_FOUND' } });
    expect((missing as HostError).message).toMatch(/dativo-csv-[^/ ]+\/nope\.csv/); // the host path bound at /data
    const empty = await reader.check({ files: ['/data/*.tsv'] }).catch((e: HostError) => e);
    expect(empty).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'FILE_NOT_FOUND' } });
    expect((empty as HostError).message).toMatch(/dativo-csv-[^/ ]+\/\*\.tsv/);
  });

  it('discover infers one stream named after the first file, with cursor candidates', async () => {
    const { reader } = await openReader(dataDir({ 'orders.csv': csvText(rowsFrom(1, 200)) }));
    const [stream, ...rest] = await reader.discover({ files: ['/data/*.csv'] });
    expect(rest).toEqual([]);
    expect(stream).toEqual({
      name: 'orders',
      jsonSchema: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          customer: { type: 'string' },
          amount: { type: 'number' },
          qty: { type: 'integer' },
          ordered_at: { type: 'string', format: 'date-time' },
          express: { type: 'boolean' },
          day: { type: 'string', format: 'date' },
        },
        required: [],
      },
      primaryKey: [],
      cursorFields: ['id', 'qty', 'ordered_at', 'day'],
      supportsIncremental: true,
    });
  });
});

describe('csv-reader: reading', () => {
  const source = rowsFrom(1, 1000);

  it('reads every row with the contract schema: types, nullability and values', async () => {
    const { reader } = await openReader(dataDir({ 'orders.csv': csvText(source) }));
    const { tables, batches, error } = await readAll(reader, { config: { files: ['/data/orders.csv'] }, schema: CONTRACT });
    expect(error).toBeUndefined();
    expect(batches.every((b) => b.encoding === 'arrow-ipc-stream' && b.checkpoint === undefined)).toBe(true);
    expect(fieldTypes(tables[0]!)).toEqual({
      id: 'Int64',
      customer: 'Utf8?',
      amount: 'Float64?',
      qty: 'Int64',
      ordered_at: 'Timestamp<MICROSECOND, UTC>',
      express: 'Bool?',
      day: 'Date32<DAY>',
    });
    expect(decodedRows(tables)).toEqual(source);
  });

  it('reads every row with inferred types when the request has no schema', async () => {
    const { reader } = await openReader(dataDir({ 'orders.csv': csvText(source) }));
    const { tables, error } = await readAll(reader, { config: { files: ['/data/orders.csv'] } });
    expect(error).toBeUndefined();
    expect(fieldTypes(tables[0]!)).toEqual({
      id: 'Int64?',
      customer: 'Utf8?',
      amount: 'Float64?',
      qty: 'Int64?',
      ordered_at: 'Timestamp<MICROSECOND, UTC>?',
      express: 'Bool?',
      day: 'Date32<DAY>?',
    });
    expect(decodedRows(tables)).toEqual(source);
  });

  it('emits batches of batch_rows rows, each a self-contained IPC stream', async () => {
    const { reader } = await openReader(dataDir({ 'orders.csv': csvText(source) }));
    const { tables, error } = await readAll(reader, { config: { files: ['/data/orders.csv'], batch_rows: 300 }, schema: CONTRACT });
    expect(error).toBeUndefined();
    expect(tables.map((t) => t.numRows)).toEqual([300, 300, 300, 100]);
    expect(decodedRows(tables)).toEqual(source);
  });

  it('splits batches to stay under the host max_batch_bytes', async () => {
    const limit = 16 * 1024;
    const { reader } = await openReader(dataDir({ 'orders.csv': csvText(source) }), { max_batch_bytes: limit });
    const { batches, tables, error } = await readAll(reader, { config: { files: ['/data/orders.csv'] }, schema: CONTRACT });
    expect(error).toBeUndefined();
    expect(batches.length).toBeGreaterThan(1); // split: one batch would exceed the limit
    for (const b of batches) expect(b.bytes.byteLength).toBeLessThanOrEqual(limit);
    expect(decodedRows(tables)).toEqual(source);
  });

  it('reads wildcard matches in sorted order, reordering columns to the stream schema', async () => {
    const [a, b] = [rowsFrom(1, 40), rowsFrom(41, 30)];
    // b.csv has its columns in another order.
    const order = [6, 0, 3, 1, 5, 2, 4];
    const bText = `${order.map((i) => HEADER[i]).join(',')}\n${b.map((r) => order.map((i) => splitCsv(csvLine(r))[i]).join(',')).join('\n')}\n`;
    const { reader } = await openReader(dataDir({ 'b.csv': bText, 'a.csv': csvText(a), 'notes.txt': 'x' }));
    const { tables, error } = await readAll(reader, { config: { files: ['/data/*.csv'] }, schema: CONTRACT });
    expect(error).toBeUndefined();
    expect(decodedRows(tables)).toEqual([...a, ...b]);
  });

  it('honours delimiter and has_header=false', async () => {
    const rows = rowsFrom(1, 20).map((r) => ({ ...r, customer: r.customer?.replace(/[",]/g, '') ?? null }));
    const text = rows.map((r) => csvLine(r).replace(/,/g, ';')).join('\n') + '\n';
    const { reader } = await openReader(dataDir({ 'orders.csv': text }));
    const { tables, error } = await readAll(reader, { config: { files: ['/data/orders.csv'], delimiter: ';', has_header: false }, schema: CONTRACT });
    expect(error).toBeUndefined();
    expect(decodedRows(tables)).toEqual(rows);
  });
});

describe('csv-reader: corrupt input is an error, never skipped', () => {
  const lines = csvText(rowsFrom(1, 50)).split('\n');

  it('an unparsable value: PLUGIN_DATA / CSV_PARSE_ERROR with file, line and column', async () => {
    const bad = [...lines];
    bad[36] = bad[36]!.replace(/^(\d+),([^,]*),([^,]*),(\d+),/, '$1,$2,$3,many,'); // line 37: qty
    const { reader } = await openReader(dataDir({ 'orders.csv': bad.join('\n') }));
    const { error, tables } = await readAll(reader, { config: { files: ['/data/orders.csv'] }, schema: CONTRACT });
    expect(tables).toEqual([]);
    expect(error).toMatchObject({ code: 'PLUGIN_DATA', details: { pluginCode: 'CSV_PARSE_ERROR' } });
    expect(error!.message).toMatch(/dativo-csv-[^/ ]+\/orders\.csv line 37, column "qty": cannot parse value 'many'/);
  });

  it('an unparsable timestamp names its line and column', async () => {
    const bad = [...lines];
    bad[9] = bad[9]!.replace(/2024-[^,]*Z/, 'yesterday');
    const { reader } = await openReader(dataDir({ 'orders.csv': bad.join('\n') }));
    const { error } = await readAll(reader, { config: { files: ['/data/orders.csv'] }, schema: CONTRACT });
    expect(error).toMatchObject({ code: 'PLUGIN_DATA', details: { pluginCode: 'CSV_PARSE_ERROR' } });
    expect(error!.message).toMatch(/dativo-csv-[^/ ]+\/orders\.csv line 10, column "ordered_at"/);
  });

  it('a row with a missing field: PLUGIN_DATA naming the line', async () => {
    const bad = [...lines];
    bad[20] = bad[20]!.split(',').slice(0, 5).join(','); // line 21
    const { reader } = await openReader(dataDir({ 'orders.csv': bad.join('\n') }));
    const { error } = await readAll(reader, { config: { files: ['/data/orders.csv'] }, schema: CONTRACT });
    expect(error).toMatchObject({ code: 'PLUGIN_DATA', details: { pluginCode: 'CSV_PARSE_ERROR' } });
    expect(error!.message).toMatch(/dativo-csv-[^/ ]+\/orders\.csv line 21, column "express": missing/);
  });

  it('an empty value in a required column: PLUGIN_DATA naming line and column', async () => {
    const bad = [...lines];
    bad[30] = bad[30]!.replace(/^\d+,/, ','); // line 31: id
    const { reader } = await openReader(dataDir({ 'orders.csv': bad.join('\n') }));
    const { error } = await readAll(reader, { config: { files: ['/data/orders.csv'], batch_rows: 16 }, schema: CONTRACT });
    expect(error).toMatchObject({ code: 'PLUGIN_DATA', details: { pluginCode: 'CSV_PARSE_ERROR' } });
    expect(error!.message).toMatch(/dativo-csv-[^/ ]+\/orders\.csv line 31, column "id": empty value in a required column/);
  });
});

describe('csv-reader: incremental reads', () => {
  it('cursor: a checkpoint on every batch; the next run reads only rows past it', async () => {
    const dir = dataDir({ 'orders.csv': csvText(rowsFrom(1, 1000)) });
    const config = { files: ['/data/orders.csv'], batch_rows: 256, incremental: { strategy: 'cursor', cursor_field: 'ordered_at' } };
    const { reader } = await openReader(dir);
    const first = await readAll(reader, { config, schema: CONTRACT });
    expect(first.error).toBeUndefined();
    expect(first.batches).toHaveLength(4);
    const checkpoints = first.batches.map((b) => JSON.parse(b.checkpoint!) as { max: string });
    expect(checkpoints.map((c) => c.max)).toEqual([256, 512, 768, 1000].map((i) => isoMicros(makeRow(i).orderedAtUs)));
    expect(checkpoints[3]).toEqual({ strategy: 'cursor', cursor_field: 'ordered_at', max: isoMicros(makeRow(1000).orderedAtUs) });

    appendFileSync(join(dir, 'orders.csv'), rowsFrom(1001, 37).map(csvLine).join('\n') + '\n');
    const second = await readAll(reader, { config, schema: CONTRACT, checkpoint: first.batches.at(-1)!.checkpoint });
    expect(second.error).toBeUndefined();
    expect(decodedRows(second.tables)).toEqual(rowsFrom(1001, 37));
    expect(JSON.parse(second.batches.at(-1)!.checkpoint!)).toMatchObject({ max: isoMicros(makeRow(1037).orderedAtUs) });

    const third = await readAll(reader, { config, schema: CONTRACT, checkpoint: second.batches.at(-1)!.checkpoint });
    expect(third.error).toBeUndefined();
    expect(third.batches).toEqual([]);
  });

  it('cursor on an integer column keeps rows out of order correctly', async () => {
    const rows = [5, 1, 9, 3, 7].map(makeRow);
    const dir = dataDir({ 'orders.csv': csvText(rows) });
    const config = { files: ['/data/orders.csv'], incremental: { strategy: 'cursor', cursor_field: 'id' } };
    const { reader } = await openReader(dir);
    const { batches, tables } = await readAll(reader, { config, checkpoint: JSON.stringify({ strategy: 'cursor', cursor_field: 'id', max: 4 }) });
    expect(decodedRows(tables).map((r) => r.id)).toEqual([5, 9, 7]);
    expect(JSON.parse(batches.at(-1)!.checkpoint!)).toEqual({ strategy: 'cursor', cursor_field: 'id', max: 9 });
  });

  it('file_mtime: the checkpoint rides on each file\'s last batch; a later run reads only new or changed files', async () => {
    const dir = dataDir({ 'a.csv': csvText(rowsFrom(1, 500)) });
    const config = { files: ['/data/*.csv'], batch_rows: 200, incremental: { strategy: 'file_mtime' } };
    const { reader } = await openReader(dir);
    const first = await readAll(reader, { config, schema: CONTRACT });
    expect(first.error).toBeUndefined();
    expect(first.batches.map((b) => b.checkpoint === undefined)).toEqual([true, true, false]);
    const cp1 = JSON.parse(first.batches[2]!.checkpoint!) as { strategy: string; files: Record<string, string> };
    expect(cp1.strategy).toBe('file_mtime');
    expect(Object.keys(cp1.files)).toEqual(['/data/a.csv']);
    expect(cp1.files['/data/a.csv']).toMatch(/^\d+$/);

    writeFileSync(join(dir, 'b.csv'), csvText(rowsFrom(501, 120)));
    const second = await readAll(reader, { config, schema: CONTRACT, checkpoint: first.batches[2]!.checkpoint });
    expect(second.error).toBeUndefined();
    expect(decodedRows(second.tables)).toEqual(rowsFrom(501, 120));
    const cp2 = JSON.parse(second.batches.at(-1)!.checkpoint!) as { files: Record<string, string> };
    expect(Object.keys(cp2.files)).toEqual(['/data/a.csv', '/data/b.csv']);

    // Nothing new: no batches at all.
    const third = await readAll(reader, { config, schema: CONTRACT, checkpoint: second.batches.at(-1)!.checkpoint });
    expect(third.batches).toEqual([]);

    // a.csv changes (new mtime): it is read again, whole.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'a.csv'), later, later);
    const fourth = await readAll(reader, { config, schema: CONTRACT, checkpoint: second.batches.at(-1)!.checkpoint });
    expect(decodedRows(fourth.tables)).toEqual(rowsFrom(1, 500));
  });

  it('file_mtime: an empty file still advances the checkpoint (one empty batch)', async () => {
    const dir = dataDir({ 'a.csv': `${HEADER.join(',')}\n` });
    const { reader } = await openReader(dir);
    const { batches, tables } = await readAll(reader, { config: { files: ['/data/a.csv'], incremental: { strategy: 'file_mtime' } }, schema: CONTRACT });
    expect(tables.map((t) => t.numRows)).toEqual([0]);
    expect(JSON.parse(batches[0]!.checkpoint!)).toMatchObject({ files: { '/data/a.csv': expect.any(String) } });
  });

  it('a checkpoint of another strategy is refused (PLUGIN_CONFIG / CHECKPOINT_INVALID)', async () => {
    const { reader } = await openReader(dataDir({ 'a.csv': csvText(rowsFrom(1, 5)) }));
    const { error } = await readAll(reader, {
      config: { files: ['/data/a.csv'], incremental: { strategy: 'cursor', cursor_field: 'id' } },
      checkpoint: JSON.stringify({ strategy: 'file_mtime', files: {} }),
    });
    expect(error).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'CHECKPOINT_INVALID' } });
  });
});

describe('csv-reader: the sandbox', () => {
  it('a file outside the grant cannot be read: the guest has no preopen for it (PLUGIN_CONFIG / FILE_NOT_FOUND)', async () => {
    // wasi-libc finds no preopen covering /etc, so no call reaches the host's filesystem
    // and there is no CAPABILITY_DENIED: the plugin reports the file as unreadable.
    const { reader } = await openReader(dataDir({ 'a.csv': csvText(rowsFrom(1, 5)) }));
    const check = await reader.check({ files: ['/etc/passwd'] }).catch((e: HostError) => e);
    expect(check).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'FILE_NOT_FOUND' } });
    expect((check as HostError).message).toContain('/etc/passwd');
    const { error, batches } = await readAll(reader, { config: { files: ['/etc/passwd'] } });
    expect(batches).toEqual([]);
    expect(error).toMatchObject({ code: 'PLUGIN_CONFIG', details: { pluginCode: 'FILE_NOT_FOUND' } });
  });

  it('".." out of the grant reaches the host and is denied (CAPABILITY_DENIED), in check and in read', async () => {
    const dir = dataDir({ 'a.csv': csvText(rowsFrom(1, 5)) });
    mkdirSync(join(dir, 'sub'));
    const { reader } = await openReader(join(dir, 'sub'));
    const check = await reader.check({ files: ['/data/../a.csv'] }).catch((e: HostError) => e);
    expect(check).toMatchObject({ code: 'CAPABILITY_DENIED', details: { capability: 'filesystem', target: '/a.csv' } });
    const { error, batches } = await readAll(reader, { config: { files: ['/data/../a.csv'] } });
    expect(batches).toEqual([]);
    expect(error).toMatchObject({ code: 'CAPABILITY_DENIED', details: { capability: 'filesystem' } });
  });
});

/** Splits one line of our generated CSV (quotes only around customer). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '""'), i++;
      else if (c === '"') (quoted = false), (cur += c);
      else cur += c;
    } else if (c === '"') (quoted = true), (cur += c);
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}
