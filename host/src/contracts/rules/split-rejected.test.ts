import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { utf8Column } from '../columns.js';
import { contractObjectFor, parseContract } from '../load-contract.js';
import type { ContractObject } from '../model.js';
import { validateBatch } from '../validate-batch.js';
import { RowFailures } from './row-failures.js';
import { splitRejected } from './split-rejected.js';
import { StreamRules } from './stream-rules.js';

const objectOf = (properties: unknown[]): ContractObject =>
  contractObjectFor(
    parseContract(
      `apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties: ${JSON.stringify(properties)}\n`,
      't.odcs.yaml',
    ),
    't',
  );

const o = objectOf([
  { name: 'id', logicalType: 'integer', primaryKey: true },
  { name: 'qty', logicalType: 'integer', physicalType: 'int', logicalTypeOptions: { minimum: 1 } },
  { name: 'price', logicalType: 'number' },
  { name: 'code', logicalType: 'string', logicalTypeOptions: { pattern: '^[A-Z]+$' } },
  { name: 'ok', logicalType: 'boolean' },
  { name: 'day', logicalType: 'date' },
  { name: 'at', logicalType: 'date', physicalType: 'timestamp' },
]);

const rows = (b: arrow.RecordBatch): unknown[][] => {
  const t = new arrow.Table(b);
  return t.toArray().map((r: Record<string, unknown>) => t.schema.fields.map((f) => r[f.name]));
};

describe('splitRejected (warn + invalid_rows: quarantine)', () => {
  it('accepted rows and rejected rows with _rule, _field, _value naming the first failed rule', () => {
    const input = new arrow.RecordBatch({
      id: arrow.vectorFromArray([1n, 2n, 3n, 1n, 5n], new arrow.Int64()).data[0]!,
      qty: arrow.vectorFromArray([1, 0, 2, 3, null], new arrow.Int32()).data[0]!,
      price: arrow.vectorFromArray([1.5, 2.5, null, 4.5, 5.5], new arrow.Float64()).data[0]!,
      code: utf8Column(['AB', 'CD', 'ef', 'GH', null]),
      ok: arrow.vectorFromArray([true, false, true, null, false], new arrow.Bool()).data[0]!,
      day: utf8Column(['2024-01-01', '2024-01-02', 'someday', '2024-01-04', '2024-01-05']),
      at: utf8Column([
        '2024-01-01T00:00:00Z',
        null,
        '2024-01-03T00:00:00Z',
        '2024-01-04T00:00:00Z',
        '2024-01-05T00:00:00.5Z',
      ]),
    });
    const rules = new StreamRules(o, { stream: 't', mode: 'warn' });
    const v = validateBatch(input, o, { mode: 'warn', stream: 't', rowOffset: 0, rules });
    const { accepted, rejected } = splitRejected(v.batch, v.failures);
    expect(accepted.schema.fields).toEqual(v.batch.schema.fields);
    expect(rows(accepted)).toEqual([
      [1n, 1, 1.5, 'AB', true, Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1)],
      [5n, null, 5.5, null, false, Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 5) + 500],
    ]);
    expect(rejected!.schema.fields.map((f) => f.name)).toEqual([
      'id',
      'qty',
      'price',
      'code',
      'ok',
      'day',
      'at',
      '_rule',
      '_field',
      '_value',
    ]);
    // row 2: the first failure in contract order is code's pattern, though day is not a date either
    expect(rows(rejected!)).toEqual([
      [2n, 0, 2.5, 'CD', false, Date.UTC(2024, 0, 2), null, 'minimum', 'qty', '0'],
      [3n, 2, null, 'ef', true, null, Date.UTC(2024, 0, 3), 'pattern', 'code', 'ef'],
      [1n, 3, 4.5, 'GH', null, Date.UTC(2024, 0, 4), Date.UTC(2024, 0, 4), 'primaryKey', 'id', '1'],
    ]);
    expect(v.failures.countByRule()).toEqual({ minimum: 1, pattern: 1, primaryKey: 1 });
    expect(v.failures.total).toBe(4); // row 2 (id 3) also failed day's type
    // Both halves are valid Arrow: they round-trip through IPC.
    for (const b of [accepted, rejected!])
      expect(
        rows(arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table(b), 'stream')).batches[0]!),
      ).toEqual(rows(b));
  });

  it('no failures: the batch itself is accepted, nothing is copied', () => {
    const b = new arrow.RecordBatch({
      id: arrow.vectorFromArray([1n], new arrow.Int64()).data[0]!,
    });
    const v = validateBatch(b, objectOf([{ name: 'id', logicalType: 'integer' }]), {
      mode: 'warn',
      stream: 't',
      rowOffset: 0,
    });
    expect(v.failures).toBe(RowFailures.EMPTY);
    const s = splitRejected(v.batch, v.failures);
    expect(s.accepted).toBe(v.batch);
    expect(s.rejected).toBeUndefined();
  });

  it('works on sliced columns (non-zero offsets)', () => {
    const big = new arrow.RecordBatch({
      id: arrow.vectorFromArray([9n, 1n, 2n, 3n], new arrow.Int64()).data[0]!,
      qty: arrow.vectorFromArray([9, 1, 0, 1], new arrow.Int32()).data[0]!,
      price: arrow.vectorFromArray([9, null, 2, 3], new arrow.Float64()).data[0]!,
      code: utf8Column(['Z', 'A', 'B', 'C']),
      ok: arrow.vectorFromArray([true, false, true, true], new arrow.Bool()).data[0]!,
      day: utf8Column(['2024-01-01', null, '2024-01-02', '2024-01-03']),
      at: utf8Column([null, '2024-01-01T00:00:00Z', null, null]),
    });
    const sliced = big.slice(1);
    const v = validateBatch(sliced, o, { mode: 'warn', stream: 't', rowOffset: 0 });
    const { accepted, rejected } = splitRejected(v.batch, v.failures);
    expect(rows(accepted).map((r) => r.slice(0, 5))).toEqual([
      [1n, 1, null, 'A', false],
      [3n, 1, 3, 'C', true],
    ]);
    expect(rows(rejected!).map((r) => [r[0], r[4], r[7]])).toEqual([[2n, true, 'minimum']]);
  });
});
