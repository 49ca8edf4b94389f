/**
 * The contract's data quality rules, end to end: strict fails naming row, field, rule and
 * value; warn keeps the rows (counted) or quarantines them to `_rejected/<stream>` in the
 * same commit; a value the reader cannot cast goes the same way in warn mode. The
 * committed Parquet is read back and compared with the source.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readRows } from '../helpers/job.js';
import { runCli } from '../helpers/run-cli.js';
import { workspace } from './workspace.js';

const CONTRACT = {
  apiVersion: 'v3.0.2',
  kind: 'DataContract',
  id: 'c1d2e3f4-0000-4000-8000-000000000001',
  version: '1.0.0',
  status: 'active',
  schema: [
    {
      name: 'flights',
      properties: [
        { name: 'flight_id', logicalType: 'integer', physicalType: 'bigint', required: true, primaryKey: true },
        { name: 'carrier', logicalType: 'string', logicalTypeOptions: { pattern: '^[A-Z]{2}$' } },
        { name: 'delay', logicalType: 'number', physicalType: 'double', logicalTypeOptions: { minimum: -60, maximum: 600 } },
        { name: 'status', logicalType: 'string', quality: [{ type: 'library', rule: 'validValues', validValues: ['on_time', 'late'] }] },
      ],
      quality: [{ type: 'library', rule: 'rowCount', mustBeGreaterThan: 0 }],
    },
  ],
};

// Rows 2 (pattern), 4 (maximum), 5 (validValues), 6 (duplicate key of row 1) and 7 (not a number) break a rule.
const CSV = `flight_id,carrier,delay,status
1,LH,5,on_time
2,lh,10,late
3,AF,-5,on_time
4,BA,900,late
5,KL,1,lost
1,LH,7,late
7,AF,soon,late
8,LX,0,on_time
`;
const GOOD = [1, 3, 8];
const BAD: [number, string, string][] = [
  [2, 'pattern', 'lh'],
  [4, 'maximum', '900'],
  [5, 'validValues', 'lost'],
  [1, 'primaryKey', '1'],
  [7, 'type', 'soon'],
];

function job(extra: Record<string, unknown>) {
  const ws = workspace();
  writeFileSync(join(ws.dir, 'contract.odcs.yaml'), stringify(CONTRACT));
  ws.write('data/flights.csv', CSV);
  // batch_rows 3: the duplicate key is in another batch than its first occurrence.
  ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/flights.csv'] }], config: { batch_rows: 3 } }, ...extra });
  const r = runCli(['run', ws.job, '--json']);
  return { ws, r, json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined };
}

const sortRows = (rows: Record<string, unknown>[]) => rows.map((r) => [Number(r.flight_id), r.carrier, r.delay, r.status]).sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1])));

describe('contract rules', () => {
  it('strict: the first failing row fails the run, naming row, field, rule and value; nothing is committed', () => {
    const { ws, r, json } = job({});
    expect(r.status).toBe(1);
    expect(json.error.code).toBe('DATA_VALIDATION_FAILED');
    expect(json.error.details).toMatchObject({ field: 'carrier', rule: 'pattern', file: join(ws.dir, 'data/flights.csv'), line: 3 });
    expect(json.error.message).toMatch(/lh/);
    expect(readRows(ws.out)).toEqual([]);
  });

  it('warn, invalid_rows keep: every row is committed, the failing ones counted', () => {
    const { ws, r, json } = job({ schema_validation_mode: 'warn' });
    expect(r.status, r.stderr).toBe(0);
    expect(json.streams[0].records).toBe(8);
    expect(json.streams[0].invalidRecords).toBe(BAD.length);
    const rows = sortRows(readRows(ws.out));
    expect(rows.map((x) => x[0])).toEqual([1, 1, 2, 3, 4, 5, 7, 8]);
    // The value the reader could not cast is null; the others are kept as read.
    expect(rows.find((x) => x[0] === 7)).toEqual([7, 'AF', null, 'late']);
    expect(rows.find((x) => x[0] === 4)).toEqual([4, 'BA', 900, 'late']);
    expect(json.streams[0].rules.map((x: any) => [x.rule, x.status])).toContainEqual(['rowCount', 'passed']);
    expect(json.streams[0].failuresByRule).toEqual({ pattern: 1, maximum: 1, validValues: 1, primaryKey: 1, type: 1 });
  });

  it('strict: a run-level rule (rowCount) that fails fails the run before anything is committed', () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'contract.odcs.yaml'), stringify({ ...CONTRACT, schema: [{ ...CONTRACT.schema[0], quality: [{ type: 'library', rule: 'rowCount', mustBeGreaterThan: 100 }] }] }));
    ws.write('data/flights.csv', 'flight_id,carrier,delay,status\n1,LH,5,on_time\n');
    ws.writeJob({ source: { objects: [{ name: 'flights', files: ['data/flights.csv'] }] } });
    const r = runCli(['run', ws.job, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('DATA_QUALITY_FAILED');
    expect(readRows(ws.out)).toEqual([]);
  });

  it('warn, invalid_rows quarantine: valid rows in the stream, rejected rows with their rule in _rejected/, one commit', () => {
    const { ws, r, json } = job({ schema_validation_mode: 'warn', invalid_rows: 'quarantine' });
    expect(r.status, r.stderr).toBe(0);
    expect(json.streams[0].rejectedRecords).toBe(BAD.length);
    expect(sortRows(readRows(join(ws.out, 'flights'))).map((x) => x[0])).toEqual(GOOD);
    const rejected = readRows(join(ws.out, '_rejected', 'flights')).map((x) => [Number(x.flight_id), x._rule, x._value]);
    expect(rejected.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([...BAD].sort((a, b) => a[1].localeCompare(b[1])));
    // Both tables are in the run's one commit manifest.
    const [manifest] = readdirSync(join(ws.out, '_dativo', 'commits'));
    const record = JSON.parse(readFileSync(join(ws.out, '_dativo', 'commits', manifest!), 'utf8'));
    expect(new Set(record.files.map((f: any) => f.stream))).toEqual(new Set(['flights', '_rejected/flights']));
  });
});
