/**
 * The Iceberg target against a real REST catalog (the Iceberg project's own, on loopback)
 * and read back by pyiceberg, the oracle: rows, snapshots, schema.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { readIcebergTable, icebergRestForTests } from '../helpers/iceberg-rest.js';
import { generateOrders } from '../helpers/job.js';
import { addCsvColumn, byOrderId, cli, contractWith, expectedOrders, icebergJob, runCli } from './iceberg-cases.js';

const cat = icebergRestForTests();

const logger = () => createLogger({ destination: new MemoryLogDestination() });

describe('Iceberg target', () => {
  it('a run becomes one append snapshot pyiceberg reads row for row; the rerun adds a second with the new rows only', async () => {
    const ws = icebergJob(cat, 5000, { table: 'orders_a' });
    const first = await runJob(ws.jobFile, { logger: logger() });
    expect(first.records).toBe(5000);
    const read = await readIcebergTable(cat, 'sales.orders_a');
    expect(byOrderId(read.rows)).toEqual(expectedOrders(ws.csv));
    expect(read.snapshots).toHaveLength(1);
    expect(read.snapshots[0]!.summary).toMatchObject({
      operation: 'append',
      'added-records': '5000',
      'dativo.run-id': first.runId,
      'dativo.contract-id': '5b7c1f0e-3d2a-4c8e-9f61-0a2d4e6b8c10',
      'dativo.contract-version': '1.0.0',
    });
    expect(Number(read.snapshots[0]!.summary['added-data-files'])).toBeGreaterThan(1);
    expect(read.schema.map((f) => [f.id, f.name, f.type, f.required])).toEqual([
      [1, 'order_id', 'long', true], [2, 'customer', 'string', true], [3, 'product', 'string', false], [4, 'quantity', 'long', false],
      [5, 'price', 'double', false], [6, 'ordered_at', 'timestamptz', false], [7, 'express', 'boolean', false], [8, 'region', 'string', false],
    ]);

    generateOrders(ws.csv, 1500, 5001);
    const second = await runJob(ws.jobFile, { logger: logger() });
    expect(second.records).toBe(1500);
    const again = await readIcebergTable(cat, 'sales.orders_a');
    expect(byOrderId(again.rows)).toEqual(expectedOrders(ws.csv));
    expect(again.snapshots.map((s) => [s.summary['dativo.run-id'], s.summary['added-records']])).toEqual([[first.runId, '5000'], [second.runId, '1500']]);
    expect(again.snapshots[1]!.parentId).toBe(again.snapshots[0]!.snapshotId);
    // The first snapshot is still the first run's rows (time travel).
    expect((await readIcebergTable(cat, 'sales.orders_a', { snapshotId: again.snapshots[0]!.snapshotId })).rows).toHaveLength(5000);
    expect((await runJob(ws.jobFile, { logger: logger() })).records).toBe(0);
    expect((await readIcebergTable(cat, 'sales.orders_a')).snapshots).toHaveLength(2);
  }, 300_000);
});

describe('Iceberg target: the contract changes', () => {
  it('an optional column added to the contract: the table gets a new schema (old ids kept), old rows read it as null', async () => {
    const ws = icebergJob(cat, 3000, { table: 'orders_evolve' });
    await runJob(ws.jobFile, { logger: logger() });
    generateOrders(ws.csv, 1000, 3001);
    addCsvColumn(ws.csv, 'note', (id) => (id > 3000 ? `n${id}` : ''));
    writeFileSync(join(ws.dir, 'orders.odcs.yaml'), contractWith('      - name: note\n        logicalType: string\n        physicalType: varchar(20)'));
    const second = await runJob(ws.jobFile, { logger: logger() });
    expect(second.records).toBe(1000);
    const read = await readIcebergTable(cat, 'sales.orders_evolve');
    expect(read.schema.map((f) => [f.id, f.name, f.type])).toEqual([
      [1, 'order_id', 'long'], [2, 'customer', 'string'], [3, 'product', 'string'], [4, 'quantity', 'long'],
      [5, 'price', 'double'], [6, 'ordered_at', 'timestamptz'], [7, 'express', 'boolean'], [8, 'region', 'string'], [9, 'note', 'string'],
    ]);
    expect(read.schema.filter((f) => f.required).map((f) => f.name)).toEqual(['order_id', 'customer']);
    const expected = expectedOrders(ws.csv).map((r) => ({ ...r, note: Number(r.order_id) > 3000 ? `n${String(r.order_id)}` : null }));
    expect(byOrderId(read.rows)).toEqual(expected);
    expect(read.snapshots).toHaveLength(2);
  }, 240_000);

  it.each([
    ['a changed type', (c: string) => c.replace('logicalType: boolean\n        physicalType: boolean', 'logicalType: string\n        physicalType: varchar(5)'), /express is boolean in the table, string in the contract/],
    ['a new required column', () => contractWith('      - name: note\n        logicalType: string\n        required: true'), /note is new and required/],
  ] as const)('%s is refused with ICEBERG_SCHEMA_INCOMPATIBLE before any row is read: nothing committed, state kept', async (_what, change, message) => {
    const ws = icebergJob(cat, 2000, { table: `orders_refused_${_what.split(' ').pop()}` });
    const first = await runJob(ws.jobFile, { logger: logger() });
    const contract = join(ws.dir, 'orders.odcs.yaml');
    writeFileSync(contract, change(readFileSync(contract, 'utf8')));
    if (/required/.test(_what)) addCsvColumn(ws.csv, 'note', (id) => `n${id}`);
    generateOrders(ws.csv, 500, 2001);
    const failed = await runCli(ws.jobFile);
    expect(failed.status, failed.stderr).toBe(1);
    expect(JSON.parse(failed.stdout).error).toMatchObject({ code: 'ICEBERG_SCHEMA_INCOMPATIBLE', message: expect.stringMatching(message) });
    const read = await readIcebergTable(cat, `sales.orders_refused_${_what.split(' ').pop()}`);
    expect(read.snapshots.map((s) => s.summary['dativo.run-id'])).toEqual([first.runId]);
    expect(read.rows).toHaveLength(2000);
    expect(readdirSync(join(ws.warehouse, '_dativo', 'staging'))).toEqual([]);
  }, 240_000);
});

describe('Iceberg target: check', () => {
  it('check reaches the catalog: ok, and ICEBERG_CATALOG_UNAVAILABLE (exit 1) when nothing answers', async () => {
    const ws = icebergJob(cat, 10, { table: 'orders_check' });
    const ok = await cli(['check', ws.jobFile, '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).target).toMatch(/^Iceberg tables in file:\/\/\//);
    const dead = (await import('node:net')).createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r)); // a port nothing listens on
    ws.write({ target: { connection: { local: { path: ws.warehouse } }, catalog: { uri: `http://127.0.0.1:${port}`, namespace: 'sales' } } });
    const refused = await cli(['check', ws.jobFile, '--json']);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'ICEBERG_CATALOG_UNAVAILABLE', retryable: true });
  }, 120_000);
});
