/**
 * A table another engine also writes: pyiceberg appends on top of this host's snapshot
 * (it reads the host's manifests to do so), and the host then refuses to commit on top of
 * pyiceberg's 63-bit snapshot id, which JSON parsing in iceberg-js cannot carry exactly,
 * instead of committing with a wrong parent.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { pyicebergPython, readIcebergTable, startIcebergRest, type IcebergRest } from '../helpers/iceberg-rest.js';
import { generateOrders } from '../helpers/job.js';
import { icebergJob, runCli } from './iceberg-cases.js';

let cat: IcebergRest;
beforeAll(async () => {
  cat = await startIcebergRest();
}, 120_000);
afterAll(async () => {
  await cat?.stop();
});

/** pyiceberg appends `rows` copies of order 999999 (the table's own schema) to `table`. */
function pyicebergAppend(table: string, rows: number): void {
  const script = `
import sys, datetime
import pyarrow as pa
from pyiceberg.catalog.rest import RestCatalog
t = RestCatalog("t", uri=sys.argv[1], warehouse=sys.argv[2]).load_table(sys.argv[3])
n = int(sys.argv[4])
schema = t.schema().as_arrow()
data = {f.name: [None] * n for f in schema}
data.update(order_id=[999999] * n, customer=["pyiceberg"] * n)
t.append(pa.Table.from_pydict(data, schema=schema))`;
  execFileSync(pyicebergPython(), ['-c', script, cat.uri, cat.warehouse, table, String(rows)], { stdio: 'pipe' });
}

describe('Iceberg target: a table another engine writes', () => {
  it('pyiceberg appends on top of the host; the host then refuses (ICEBERG_NOT_SUPPORTED) and commits nothing', async () => {
    const ws = icebergJob(cat, 1000, { table: 'orders_shared_engine' });
    const first = await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) });
    pyicebergAppend('sales.orders_shared_engine', 3);
    const both = await readIcebergTable(cat, 'sales.orders_shared_engine');
    expect(both.rows).toHaveLength(1003); // pyiceberg read the host's manifest list and kept its files
    expect(both.snapshots).toHaveLength(2);

    generateOrders(ws.csv, 200, 1001);
    const refused = await runCli(ws.jobFile);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'ICEBERG_NOT_SUPPORTED', message: expect.stringMatching(/beyond 2\^53/) });
    const after = await readIcebergTable(cat, 'sales.orders_shared_engine');
    expect(after.snapshots.map((s) => s.summary['dativo.run-id'] ?? 'pyiceberg')).toEqual([first.runId, 'pyiceberg']);
    expect(after.rows).toHaveLength(1003);
  }, 180_000);
});
