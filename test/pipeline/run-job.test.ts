/**
 * `dativo-host run` end to end: job YAML -> Rust csv-reader in its sandbox -> contract
 * validation -> Parquet -> atomic commit -> state, read back and compared row by row.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { Encoding, ParquetFile, readParquet, readSchema } from 'parquet-wasm/node';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { CSV_READER_MANIFEST, generateOrders, jobWorkspace, parquetFiles, readCsv, readRows } from '../helpers/job.js';

const quiet = () => createLogger({ destination: new MemoryLogDestination() });

describe('CSV to Parquet', () => {
  it('writes every row, typed by the contract, identical to the source', async () => {
    const ws = jobWorkspace(5000);
    const summary = await runJob(ws.jobFile, { logger: quiet() });
    expect(summary.status).toBe('succeeded');
    expect(summary.streams[0]).toMatchObject({ stream: 'orders', records: 5000, invalidRecords: 0 });
    const rows = readRows(ws.out);
    const source = readCsv(ws.csv);
    expect(rows).toHaveLength(source.length);
    rows.sort((a, b) => Number(a.order_id) - Number(b.order_id));
    for (let i = 0; i < source.length; i++) {
      const s = source[i]!;
      const r = rows[i]!;
      expect(Number(r.order_id)).toBe(Number(s.order_id));
      expect(r.customer).toBe(s.customer);
      expect(r.product).toBe(s.product);
      expect(Number(r.quantity)).toBe(Number(s.quantity));
      expect(r.price).toBeCloseTo(Number(s.price), 6);
      expect(new Date(Number(r.ordered_at) / (Number(r.ordered_at) > 1e14 ? 1000 : 1)).toISOString()).toBe(s.ordered_at);
      expect(r.express).toBe(s.express === 'true');
      expect(r.region).toBe(s.region);
    }
  });

  it('commits atomically: files only under run_id=..., a commit manifest, no staging left', async () => {
    const ws = jobWorkspace(1000);
    const summary = await runJob(ws.jobFile, { logger: quiet() });
    const files = parquetFiles(ws.out);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toContain(`/orders/run_id=${summary.runId}/`);
    const manifest = JSON.parse(readFileSync(join(ws.out, '_dativo', 'commits', `${summary.runId}.json`), 'utf8'));
    expect(manifest.files.map((f: { path: string }) => join(ws.out, f.path)).sort()).toEqual(files);
    expect(manifest.checkpoints.orders).toBeDefined();
    expect(readdirSync(join(ws.out, '_dativo', 'staging'))).toEqual([]);
  });

  it('puts the contract, classification and tags into the Parquet key-value metadata', async () => {
    const ws = jobWorkspace(10);
    await runJob(ws.jobFile, { logger: quiet() });
    const bytes = readFileSync(parquetFiles(ws.out)[0]!);
    const kv = (await ParquetFile.fromFile(new Blob([bytes]))).metadata().fileMetadata().keyValueMetadata();
    expect(JSON.parse(kv.get('dativo.contract'))).toMatchObject({ apiVersion: 'v3.0.2', object: 'orders' });
    expect(JSON.parse(kv.get('dativo.classification'))).toMatchObject({ customer: 'restricted' });
    expect(JSON.parse(kv.get('dativo.tags')).fields.customer).toContain('pii');
    expect(Object.fromEntries(readSchema(bytes).metadata())).toHaveProperty('dativo.contract');
  });

  it("takes the file's schema from the contract even when the reader's Arrow bytes are passed through", async () => {
    // The csv-reader sends every column nullable; the contract's required fields are
    // REQUIRED in the Parquet schema (strict mode), the others OPTIONAL.
    const ws = jobWorkspace(10);
    await runJob(ws.jobFile, { logger: quiet() });
    const duck = await (await DuckDBInstance.create()).connect();
    const schema = await duck.runAndReadAll(`SELECT name, repetition_type FROM parquet_schema('${parquetFiles(ws.out)[0]}') WHERE name <> 'arrow_schema' AND name <> 'duckdb_schema' AND num_children IS NULL`);
    const repetition = Object.fromEntries(schema.getRows().map(([name, rep]) => [String(name), String(rep)]));
    expect(repetition).toMatchObject({ order_id: 'REQUIRED', customer: 'REQUIRED', product: 'OPTIONAL' });
  });

  it('encodes for size: dictionaries for repetitive strings, delta for integer columns; DuckDB reads it all back', async () => {
    const ws = jobWorkspace(50_000);
    await runJob(ws.jobFile, { logger: quiet() });
    const [file] = parquetFiles(ws.out);
    const meta = (await ParquetFile.fromFile(new Blob([readFileSync(file!)]))).metadata();
    const encodings = Object.fromEntries(meta.rowGroup(0).columns().map((c) => [c.columnPath().join('.'), c.encodings()]));
    // Integer columns (ids, event times, small counts) are delta encoded with no dictionary
    // (nothing hashed); repetitive strings get one.
    for (const column of ['order_id', 'ordered_at', 'quantity']) {
      expect(encodings[column], column).toContain(Encoding.DELTA_BINARY_PACKED);
      expect(encodings[column], column).not.toContain(Encoding.RLE_DICTIONARY);
    }
    for (const column of ['region', 'product']) expect(encodings[column], column).toContain(Encoding.RLE_DICTIONARY);
    // An independent reader agrees on every row.
    const duck = await (await DuckDBInstance.create()).connect();
    const reader = await duck.runAndReadAll(
      `SELECT count(*)::INTEGER, sum(order_id)::DOUBLE, sum(quantity)::DOUBLE, count(DISTINCT region)::INTEGER, min(ordered_at)::VARCHAR FROM read_parquet('${file}')`,
    );
    const source = readCsv(ws.csv);
    const [count, ids, quantity, regions, first] = reader.getRows()[0]!;
    expect(count).toBe(50_000);
    expect(ids).toBe(source.reduce((n, r) => n + Number(r.order_id), 0));
    expect(quantity).toBe(source.reduce((n, r) => n + Number(r.quantity), 0));
    expect(regions).toBe(new Set(source.map((r) => r.region)).size);
    expect(new Date(`${String(first).replace(' ', 'T').replace(/\+00$/, '')}Z`).toISOString()).toBe(source.map((r) => r.ordered_at).sort()[0]);
  });

  it('rolls files at parquet_target_size_mb and partitions by columns', async () => {
    const ws = jobWorkspace(20_000);
    ws.writeJob({
      source: { objects: ['orders'], files: ['data/orders.csv'], config: { batch_rows: 1000 } },
      target: { connection: { local: { path: 'out' } }, parquet_target_size_mb: 0.05, partitioning: ['region'], compression: 'zstd' },
    });
    const summary = await runJob(ws.jobFile, { logger: quiet() });
    const files = parquetFiles(ws.out);
    const regions = new Set(files.map((f) => /region=([^/]+)/.exec(f)?.[1]));
    expect([...regions].sort()).toEqual(['APAC', 'EU', 'LATAM', 'MEA', 'NA']);
    expect(files.length).toBeGreaterThan(5);
    const rows = readRows(ws.out);
    expect(rows).toHaveLength(20_000);
    // Each file holds only its partition's rows, and no file grew far past the target.
    for (const f of files) {
      const region = /region=([^/]+)/.exec(f)![1];
      const rowsOfFile = readRows(f.replace(/\/[^/]+$/, ''));
      expect(rowsOfFile.every((r) => r.region === region)).toBe(true);
      expect(readFileSync(f).byteLength).toBeLessThan(3 * 0.05 * 2 ** 20);
    }
    expect(summary.streams[0]!.files.length).toBe(files.length);
  });
});

describe('parallel encoding', () => {
  const ids = (file: string) => Array.from(tableFromIPC(readParquet(readFileSync(file)).intoIPCStream()).getChild('order_id')!.toArray() as BigInt64Array, Number);
  const run = async (rows: number, encoding_threads: number) => {
    const ws = jobWorkspace(rows);
    ws.writeJob({
      source: { objects: ['orders'], files: ['data/orders.csv'], config: { batch_rows: 1000 } },
      target: { connection: { local: { path: 'out' } }, row_group_rows: 1024, encoding_threads },
    });
    const summary = await runJob(ws.jobFile, { logger: quiet() });
    return { files: parquetFiles(ws.out), summary };
  };

  it('spreads a stream past one row group over a file per encoder thread, each in source order, every row once', async () => {
    const { files, summary } = await run(20_000, 2);
    expect(files.map((f) => f.replace(/^.*\//, ''))).toEqual(['part-00000.parquet', 'part-00001.parquet']);
    const [first, second] = files.map(ids);
    for (const part of [first!, second!]) expect(part).toEqual([...part].sort((a, b) => a - b));
    expect([...first!, ...second!].sort((a, b) => a - b)).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    expect(first!.length).toBeGreaterThan(second!.length); // the first file alone until a row group was written
    expect(summary.streams[0]!.files.map((f) => f.rows).reduce((a, b) => a + b)).toBe(20_000);
  });

  it('keeps one file with one thread, and for a stream within one row group', async () => {
    expect((await run(20_000, 1)).files).toHaveLength(1);
    expect((await run(900, 2)).files).toHaveLength(1);
  });
});

describe('incremental state', () => {
  it('a rerun after new rows arrive loads only the new rows', async () => {
    const ws = jobWorkspace(3000);
    const first = await runJob(ws.jobFile, { logger: quiet() });
    expect(first.records).toBe(3000);
    const again = await runJob(ws.jobFile, { logger: quiet() });
    expect(again.records).toBe(0);
    generateOrders(ws.csv, 700, 3001);
    const third = await runJob(ws.jobFile, { logger: quiet() });
    expect(third.records).toBe(700);
    const ids = readRows(ws.out).map((r) => Number(r.order_id)).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 3700 }, (_, i) => i + 1));
    const state = JSON.parse(readFileSync(join(ws.dir, 'state', 'acme', 'job', 'orders.json'), 'utf8'));
    expect(state.runId).toBe(third.runId);
  });
});

describe('schema validation', () => {
  const breakRow = (csv: string, id: number, column: 'customer') => {
    const lines = readFileSync(csv, 'utf8').split('\n');
    const cols = lines[id]!.split(',');
    if (column === 'customer') cols[1] = '';
    lines[id] = cols.join(',');
    writeFileSync(csv, lines.join('\n'));
  };

  it('strict: a row breaking the contract fails the job naming stream, row, field, expected and actual; nothing is committed', async () => {
    const ws = jobWorkspace(2000);
    breakRow(ws.csv, 1500, 'customer');
    const err = await runJob(ws.jobFile, { logger: quiet() }).then(() => undefined, (e) => e);
    expect(err?.code).toBe('DATA_VALIDATION_FAILED');
    expect(err.message).toMatch(/orders/);
    expect(err.message).toMatch(/customer/);
    expect(err.details).toMatchObject({ stream: 'orders', field: 'customer', row: 1499 });
    expect(parquetFiles(ws.out)).toEqual([]);
    expect(existsSync(join(ws.dir, 'state', 'acme', 'job', 'orders.json'))).toBe(false);
  });

  it('warn: the row is kept, counted and logged', async () => {
    const ws = jobWorkspace(2000);
    breakRow(ws.csv, 1500, 'customer');
    ws.writeJob({ schema_validation_mode: 'warn' });
    const logs = new MemoryLogDestination();
    const summary = await runJob(ws.jobFile, { logger: createLogger({ destination: logs }) });
    expect(summary.streams[0]).toMatchObject({ records: 2000, invalidRecords: 1 });
    expect(readRows(ws.out)).toHaveLength(2000);
    expect(logs.records.some((r) => r.level === 'warn' && JSON.stringify(r).includes('customer'))).toBe(true);
  });
});

describe('bad input loses nothing', () => {
  it('a reader failing mid-stream (corrupt CSV row) fails the job; earlier state and files stay as they were', async () => {
    const ws = jobWorkspace(1000);
    const first = await runJob(ws.jobFile, { logger: quiet() });
    const before = parquetFiles(ws.out);
    generateOrders(ws.csv, 200_000, 1001);
    appendFileSync(ws.csv, '999999,broken row with too few fields\n');
    const err = await runJob(ws.jobFile, { logger: quiet() }).then(() => undefined, (e) => e);
    expect(err?.code).toBe('PLUGIN_DATA');
    expect(parquetFiles(ws.out)).toEqual(before);
    const state = JSON.parse(readFileSync(join(ws.dir, 'state', 'acme', 'job', 'orders.json'), 'utf8'));
    expect(state.runId).toBe(first.runId);
  });

  it('a reader that cannot be loaded (its component does not match its digest) fails the run and leaves no staging', async () => {
    const ws = jobWorkspace(100);
    const plugin = join(ws.dir, 'tampered');
    mkdirSync(plugin);
    // Quoted: a digest of digits only would parse as a YAML number (CONFIG_INVALID) and
    // never be compared. A well-formed digest of other bytes must reach the comparison.
    const wrong = '0'.repeat(64);
    const manifest = readFileSync(CSV_READER_MANIFEST, 'utf8').replace(/^sha256: .*$/m, `sha256: "${wrong}"`);
    writeFileSync(join(plugin, 'plugin.yaml'), manifest);
    copyFileSync(join(CSV_READER_MANIFEST, '..', 'csv-reader.wasm'), join(plugin, 'csv-reader.wasm'));
    ws.writeJob({ source: { plugin: join(plugin, 'plugin.yaml'), objects: ['orders'], files: ['data/orders.csv'] } });
    const err = await runJob(ws.jobFile, { logger: quiet() }).then(() => undefined, (e) => e);
    expect(err?.code).toBe('PLUGIN_DIGEST_MISMATCH');
    expect(err.details).toMatchObject({ expected: wrong, actual: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(err.details.actual).not.toBe(wrong);
    const staging = join(ws.out, '_dativo', 'staging');
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
    expect(parquetFiles(ws.out)).toEqual([]);
  });
});
