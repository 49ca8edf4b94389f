/**
 * A partitioned Iceberg table: target.partitioning [region, day(ordered_on)] becomes the
 * table's spec (identity, day), each data file's partition tuple is in its manifest, and
 * pyiceberg prunes by it: a filtered scan returns exactly the matching rows.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemoryLogDestination } from '../../host/src/logging/logger.js';
import { runJob } from '../../host/src/pipeline/run-job.js';
import { pyicebergPython, readIcebergTable, icebergRestForTests } from '../helpers/iceberg-rest.js';
import { addCsvColumn, byOrderId, contractWith, expectedOrders, icebergJob } from './iceberg-cases.js';

const cat = icebergRestForTests();

/** pyiceberg's view of the table: its spec, each file's partition, and filtered row counts. */
function inspect(table: string, filters: string[]) {
  const script = `
import json, sys
from pyiceberg.catalog.rest import RestCatalog
t = RestCatalog("t", uri=sys.argv[1], warehouse=sys.argv[2]).load_table(sys.argv[3])
files = t.inspect.files().to_pylist()
print(json.dumps({
  "spec": [[f.name, str(f.transform)] for f in t.spec().fields],
  "partitions": sorted({json.dumps({k: str(v) for k, v in f["partition"].items()}, separators=(",", ":")) for f in files}),
  "counts": [t.scan(row_filter=f).to_arrow().num_rows for f in sys.argv[4:]],
  "scanned": [len(list(t.scan(row_filter=f).plan_files())) for f in sys.argv[4:]],
  "files": len(files),
}))`;
  const out = execFileSync(pyicebergPython(), ['-c', script, cat.uri, cat.warehouse, table, ...filters], { encoding: 'utf8' });
  return JSON.parse(out) as { spec: string[][]; partitions: string[]; counts: number[]; scanned: number[]; files: number };
}

const day = (id: number) => `2026-03-0${1 + (id % 3)}`;

describe('Iceberg target: partitions', () => {
  it('identity and day partitions: the spec, each file one partition, and pruned scans that count right', async () => {
    const ws = icebergJob(cat, 3000, { table: 'orders_parts', target: { partitioning: ['region', 'day(ordered_on)'] } });
    addCsvColumn(ws.csv, 'ordered_on', day);
    writeFileSync(join(ws.dir, 'orders.odcs.yaml'), contractWith('      - name: ordered_on\n        logicalType: date'));
    await runJob(ws.jobFile, { logger: createLogger({ destination: new MemoryLogDestination() }) });

    const expected = expectedOrders(ws.csv).map((r) => ({ ...r, ordered_on: day(Number(r.order_id)) }));
    expect(byOrderId((await readIcebergTable(cat, 'sales.orders_parts')).rows)).toEqual(expected);
    const regions = [...new Set(expected.map((r) => r.region as string))].sort();
    const filters = ["region == 'EU'", "ordered_on == '2026-03-02'", "region == 'EU' and ordered_on == '2026-03-03'"];
    const seen = inspect('sales.orders_parts', filters);
    expect(seen.spec).toEqual([['region', 'identity'], ['ordered_on_day', 'day']]);
    // One partition per region and day; the day is stored as a date (days since 1970).
    expect(seen.partitions.length).toBe(regions.length * 3);
    expect(seen.partitions).toContain(JSON.stringify({ region: 'EU', ordered_on_day: '2026-03-02' }));
    expect(seen.counts).toEqual([
      expected.filter((r) => r.region === 'EU').length,
      expected.filter((r) => r.ordered_on === '2026-03-02').length,
      expected.filter((r) => r.region === 'EU' && r.ordered_on === '2026-03-03').length,
    ]);
    // Pruned by partition: a filter on one region and day plans only that partition's files.
    expect(seen.scanned[2]).toBeLessThan(seen.files / regions.length);
  }, 180_000);
});
