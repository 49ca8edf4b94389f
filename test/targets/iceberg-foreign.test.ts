/**
 * A table another engine also writes: pyiceberg appends on top of this host's snapshot
 * (reading the host's manifest list), then the host appends on top of pyiceberg's, whose
 * snapshot id uses 63 bits (past a JS number): the host carries it exactly through the
 * catalog's JSON and the manifest list, so every engine's rows stay in the table.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { pyicebergPython, readIcebergTable, icebergRestForTests } from '../helpers/iceberg-rest.js';
import { generateOrders } from '../helpers/job.js';
import { icebergJob } from './iceberg-cases.js';

const cat = icebergRestForTests();

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
  it('pyiceberg appends on top of the host, the host on top of pyiceberg (a 63-bit parent id), then pyiceberg again: every row of every engine', async () => {
    const ws = icebergJob(cat, 1000, { table: 'orders_shared_engine' });
    const log = () => createLogger({ destination: new MemoryLogDestination() });
    const first = await runJob(ws.jobFile, { logger: log() });
    pyicebergAppend('sales.orders_shared_engine', 3);
    const both = await readIcebergTable(cat, 'sales.orders_shared_engine');
    expect(both.rows).toHaveLength(1003); // pyiceberg read the host's manifest list and kept its files
    const pyId = both.snapshots[1]!.snapshotId;
    expect(Number.isSafeInteger(Number(pyId))).toBe(false); // beyond 2^53: the helper gives the exact digits

    generateOrders(ws.csv, 200, 1001);
    const second = await runJob(ws.jobFile, { logger: log() });
    expect(second.records).toBe(200);
    pyicebergAppend('sales.orders_shared_engine', 2);
    const all = await readIcebergTable(cat, 'sales.orders_shared_engine');
    expect(all.snapshots.map((s) => s.summary['dativo.run-id'] ?? 'pyiceberg')).toEqual([first.runId, 'pyiceberg', second.runId, 'pyiceberg']);
    expect(String(all.snapshots[2]!.parentId)).toBe(String(pyId)); // the exact 63-bit parent
    const ids = all.rows.map((r) => Number(r.order_id));
    expect(ids.filter((id) => id === 999999)).toHaveLength(5);
    expect(ids.filter((id) => id !== 999999).sort((a, b) => a - b)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
  }, 240_000);
});
