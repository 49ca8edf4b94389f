/**
 * The Iceberg target's commit against a real REST catalog: a run killed (SIGKILL) at each
 * step of its commit, then rerun, gives every row exactly once; two jobs committing into
 * one table at once both land (409 CommitFailed, reload, retry).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { readIcebergTable, icebergRestForTests } from '../helpers/iceberg-rest.js';
import { generateOrders } from '../helpers/job.js';
import { byOrderId, expectedOrders, icebergJob, runCli } from './iceberg-cases.js';

const cat = icebergRestForTests();

const logger = () => createLogger({ destination: new MemoryLogDestination() });
const tableExists = async (name: string) => (await fetch(`${cat.uri}/v1/namespaces/sales/tables/${name}`)).ok;
const pending = (warehouse: string) => (existsSync(join(warehouse, '_dativo', 'pending')) ? readdirSync(join(warehouse, '_dativo', 'pending')) : []);

describe('Iceberg commit: SIGKILL at each step, then a rerun', () => {
  it.each([
    // Staged files, no commit manifest: the rerun removes them and loads the rows itself.
    ['after-staging', { table: false, snapshots: 0, pending: 0, recovered: 0 }],
    // Commit manifest and Avro manifests written, catalog not committed: recover commits the killed run's snapshot.
    ['after-manifests', { table: true, snapshots: 0, pending: 1, recovered: 1 }],
    // Catalog committed, state not saved: recover sees the snapshot (its run id) and only saves the state.
    ['after-catalog-commit', { table: true, snapshots: 1, pending: 1, recovered: 1 }],
  ] as const)('killed %s: every row exactly once, one snapshot', async (point, killed) => {
    const table = `orders_${point.replace(/-/g, '_')}`;
    const ws = icebergJob(cat, 4000, { table });
    const run = await runCli(ws.jobFile, point);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(await tableExists(table)).toBe(killed.table);
    if (killed.table) expect((await readIcebergTable(cat, `sales.${table}`)).snapshots).toHaveLength(killed.snapshots);
    expect(pending(ws.warehouse)).toHaveLength(killed.pending);

    const rerun = await runJob(ws.jobFile, { logger: logger() });
    expect(rerun.recovered).toHaveLength(killed.recovered);
    expect(rerun.records).toBe(killed.recovered ? 0 : 4000);
    const read = await readIcebergTable(cat, `sales.${table}`);
    expect(byOrderId(read.rows)).toEqual(expectedOrders(ws.csv));
    expect(read.snapshots).toHaveLength(1);
    expect(pending(ws.warehouse)).toEqual([]);

    generateOrders(ws.csv, 600, 4001);
    expect((await runJob(ws.jobFile, { logger: logger() })).records).toBe(600);
    const after = await readIcebergTable(cat, `sales.${table}`);
    expect(byOrderId(after.rows)).toEqual(expectedOrders(ws.csv));
    expect(after.snapshots).toHaveLength(2);
  }, 180_000);
});

/**
 * A loopback proxy to the catalog that holds the first commit to `table` until another
 * commit to it has been answered: the held one then reaches the catalog on a stale parent.
 */
async function commitRaceProxy(table: string) {
  const statuses: number[] = [];
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  let held = false;
  const server = createServer(async (req, res) => {
    const body = await new Promise<Buffer>((r) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => r(Buffer.concat(chunks)));
    });
    const isCommit = req.method === 'POST' && req.url === `/v1/namespaces/sales/tables/${table}`;
    if (isCommit && !held) {
      held = true;
      await released;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const answer = await fetch(`${cat.uri}${req.url}`, { method: req.method, headers, ...(body.length ? { body } : {}) });
    if (isCommit) statuses.push(answer.status);
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
    if (isCommit && statuses.length === 1) release(); // the free commit was answered: let the held one go
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, statuses, close: () => new Promise((r) => server.close(r)) };
}

describe('Iceberg commit: two jobs into one table', () => {
  it.each([
    ['both land: the held commit gets 409, reloads and retries on the new parent', 10],
    ['without retries the held one fails with ICEBERG_COMMIT_CONFLICT and commits nothing', 0],
  ] as const)('%s', async (_what, retries) => {
    const table = `orders_race_${retries}`;
    const proxy = await commitRaceProxy(table);
    try {
      const jobs = ['a', 'b'].map((name, i) => {
        const ws = icebergJob(cat, 2000 + 1000 * i, { table });
        ws.write({ job_name: `orders-${name}`, target: { connection: { local: { path: ws.warehouse } }, catalog: { uri: proxy.uri, namespace: 'sales', tables: { orders: table }, commit_retries: retries } } });
        return ws;
      });
      const runs = await Promise.all(jobs.map((ws) => runCli(ws.jobFile)));
      const read = await readIcebergTable(cat, `sales.${table}`);
      const key = (r: Record<string, unknown>) => JSON.stringify(r);
      if (retries > 0) {
        for (const r of runs) expect(r.status, r.stderr).toBe(0);
        expect(proxy.statuses).toEqual([200, 409, 200]);
        expect(read.snapshots.map((s) => s.summary['dativo.run-id']).sort()).toEqual(runs.map((r) => JSON.parse(r.stdout).runId as string).sort());
        expect(read.snapshots[1]!.parentId).toBe(read.snapshots[0]!.snapshotId);
        expect(read.rows.map(key).sort()).toEqual(jobs.flatMap((ws) => expectedOrders(ws.csv)).map(key).sort());
      } else {
        expect(proxy.statuses).toEqual([200, 409]);
        const failed = runs.find((r) => r.status !== 0)!;
        expect(JSON.parse(failed.stdout).error.code).toBe('ICEBERG_COMMIT_CONFLICT');
        expect(read.snapshots).toHaveLength(1);
        const ok = jobs[runs.indexOf(runs.find((r) => r.status === 0)!)]!;
        expect(read.rows.map(key).sort()).toEqual(expectedOrders(ok.csv).map(key).sort());
        // Past its commit point: the failed job's next run commits its snapshot first, then has nothing new.
        const next = await runJob(jobs[runs.indexOf(failed)]!.jobFile, { logger: logger() });
        expect([next.recovered.length, next.records]).toEqual([1, 0]);
        const after = await readIcebergTable(cat, `sales.${table}`);
        expect(after.snapshots).toHaveLength(2);
        expect(after.rows.map(key).sort()).toEqual(jobs.flatMap((ws) => expectedOrders(ws.csv)).map(key).sort());
      }
    } finally {
      await proxy.close();
    }
  }, 240_000);


  it('three jobs at once into one table: each run is its own snapshot, in one line of history, with all rows', async () => {
    const jobs = ['a', 'b', 'c'].map((name, i) => {
      const ws = icebergJob(cat, 3000 + 1000 * i, { table: 'orders_shared' });
      ws.write({ job_name: `orders-${name}` });
      return ws;
    });
    const runs = await Promise.all(jobs.map((ws) => runCli(ws.jobFile)));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const read = await readIcebergTable(cat, 'sales.orders_shared');
    const runIds = runs.map((r) => JSON.parse(r.stdout).runId as string);
    expect(read.snapshots.map((s) => s.summary['dativo.run-id']).sort()).toEqual([...runIds].sort());
    // One line of history: each snapshot's parent is the one before it.
    expect(read.snapshots.map((s) => s.parentId)).toEqual([null, read.snapshots[0]!.snapshotId, read.snapshots[1]!.snapshotId]);
    const key = (r: Record<string, unknown>) => JSON.stringify(r);
    const expected = jobs.flatMap((ws) => expectedOrders(ws.csv)).map(key).sort();
    expect(read.rows.map(key).sort()).toEqual(expected);
  }, 240_000);
});
