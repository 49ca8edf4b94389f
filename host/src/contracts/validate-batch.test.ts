import * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeType } from './arrow-types.js';
import { utf8Column } from './columns.js';
import { DataValidationError } from './errors.js';
import { contractObjectFor, loadContract, parseContract } from './load-contract.js';
import { validateBatch } from './validate-batch.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/contracts/orders.odcs.yaml', import.meta.url));
const orders = contractObjectFor(loadContract(EXAMPLE), 'orders');

const col = <T extends arrow.DataType>(values: unknown[], type: T): arrow.Data => arrow.vectorFromArray(values as never[], type).data[0]!;
const i64 = (v: (number | null)[]) => col(v.map((x) => (x === null ? null : BigInt(x))), new arrow.Int64());
const ts = (v: (string | null)[]) => {
  const data = BigInt64Array.from(v.map((x) => (x === null ? 0n : micros(x))));
  const nullBitmap = new Uint8Array(8);
  v.forEach((x, i) => {
    if (x !== null) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: v.length, nullCount: v.filter((x) => x === null).length, nullBitmap, data });
};
const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
const raw = (d: arrow.Data): (bigint | number | null)[] =>
  Array.from({ length: d.length }, (_, i) => (d.getValid(i) ? (d.values as ArrayLike<bigint | number>)[i]! : null));

/** A 3-row orders batch in exactly the contract's types, with overrides. */
function ordersBatch(overrides: Record<string, arrow.Data | undefined> = {}): arrow.RecordBatch {
  const cols: Record<string, arrow.Data | undefined> = {
    order_id: i64([1, 2, 3]),
    customer: utf8Column(['ann', 'bob', 'cy']),
    product: utf8Column(['P-1', null, 'P-3']),
    quantity: i64([1, 2, null]),
    price: col([9.5, 1, 2.25], new arrow.Float64()),
    ordered_at: ts(['2024-01-02T03:04:05Z', '2024-01-02T03:04:06Z', null]),
    express: col([true, false, null], new arrow.Bool()),
    region: utf8Column(['north', 'south', 'east']),
    ...overrides,
  };
  return new arrow.RecordBatch(Object.fromEntries(Object.entries(cols).filter(([, d]) => d !== undefined)) as Record<string, arrow.Data>);
}

const strictError = (batch: arrow.RecordBatch, rowOffset = 0): DataValidationError => {
  try {
    validateBatch(batch, orders, { mode: 'strict', stream: 'orders', rowOffset });
  } catch (e) {
    expect(e).toBeInstanceOf(DataValidationError);
    return e as DataValidationError;
  }
  throw new Error('expected DataValidationError');
};

describe('validateBatch', () => {
  it('passes a conforming batch through in the contract schema and field order', () => {
    const b = ordersBatch();
    const reordered = new arrow.RecordBatch({ region: b.getChild('region')!.data[0]!, ...Object.fromEntries(b.schema.fields.map((f, i) => [f.name, b.data.children[i]!])) });
    expect(reordered.schema.fields[0]!.name).toBe('region');
    const r = validateBatch(reordered, orders, { mode: 'strict', stream: 'orders', rowOffset: 0 });
    expect(r.invalidRows).toBe(0);
    expect(r.issues).toEqual([]);
    const shape = (s: arrow.Schema) => s.fields.map((f) => [f.name, describeType(f.type), f.nullable]);
    expect(shape(r.batch.schema)).toEqual(shape(orders.arrowSchema));
    expect(r.batch.schema.metadata.get('dativo.contract')).toBe(orders.parquetMetadata['dativo.contract']);
    expect(r.batch.schema.fields.map((f) => f.name)).toEqual(orders.fields.map((f) => f.name));
    expect(r.batch.numRows).toBe(3);
    expect(r.batch.getChild('customer')!.toArray()).toEqual(['ann', 'bob', 'cy']);
    expect(r.batch.getChild('region')!.get(2)).toBe('east');
  });

  it('sameLayout: only when the batch keeps the input columns, buffers and order as they were', () => {
    const opts = { mode: 'warn', stream: 'orders', rowOffset: 0 } as const;
    expect(validateBatch(ordersBatch(), orders, opts).sameLayout).toBe(true);
    // warn-mode nulls in required fields are kept as they are: still the same buffers
    expect(validateBatch(ordersBatch({ order_id: i64([1, null, 3]) }), orders, opts).sameLayout).toBe(true);
    const b = ordersBatch();
    const reordered = new arrow.RecordBatch({ region: b.getChild('region')!.data[0]!, ...Object.fromEntries(b.schema.fields.map((f, i) => [f.name, b.data.children[i]!])) });
    expect(validateBatch(reordered, orders, opts).sameLayout).toBe(false);
    expect(validateBatch(ordersBatch({ quantity: col([1, 2, 3], new arrow.Int32()) }), orders, opts).sameLayout).toBe(false); // cast
    expect(validateBatch(ordersBatch({ product: undefined }), orders, opts).sameLayout).toBe(false); // column added
    expect(validateBatch(ordersBatch({ coupon: utf8Column(['X', null, 'Y']) }), orders, opts).sameLayout).toBe(false); // column dropped
    expect(validateBatch(ordersBatch({ ordered_at: utf8Column(['2024-01-02T03:04:05Z', null, null]) }), orders, opts).sameLayout).toBe(false); // parsed
  });

  it('strict: a null in a required field throws naming stream, absolute row, field, expected, actual', () => {
    const e = strictError(ordersBatch({ customer: utf8Column(['ann', 'bob', null]) }), 1000);
    expect(e.code).toBe('DATA_VALIDATION_FAILED');
    expect(e.origin).toBe('host');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('stream "orders" row 1002, field "customer": expected non-null Utf8, got null');
    expect(e.details).toMatchObject({ stream: 'orders', row: 1002, field: 'customer', expected: 'non-null Utf8', actual: 'null' });
  });

  it('strict: a missing required field is a violation on the first row with actual "missing"', () => {
    const e = strictError(ordersBatch({ order_id: undefined }), 50);
    expect(e.details).toMatchObject({ kind: 'missing-field', row: 50, field: 'order_id', expected: 'Int64 (required)', actual: 'missing' });
  });

  it('a missing optional field becomes an all-null column without a violation', () => {
    const r = validateBatch(ordersBatch({ product: undefined }), orders, { mode: 'strict', stream: 'orders', rowOffset: 0 });
    expect(r.batch.getChild('product')!.nullCount).toBe(3);
  });

  it('strict: floats are not cast to integers, even integral ones', () => {
    const e = strictError(ordersBatch({ quantity: col([1, 2, 3], new arrow.Float64()) }));
    expect(e.details).toMatchObject({ kind: 'type-mismatch', field: 'quantity', expected: 'Int64', actual: 'Float64' });
    expect(e.message).toContain('field "quantity": expected Int64, got Float64');
  });

  it('casts Int32 to Int64 losslessly', () => {
    const r = validateBatch(ordersBatch({ order_id: col([1, -2147483648, 2147483647], new arrow.Int32()), quantity: col([5, null, 7], new arrow.Int32()) }), orders, {
      mode: 'strict',
      stream: 'orders',
      rowOffset: 0,
    });
    const ids = r.batch.getChild('order_id')!.data[0]!;
    expect(describeType(ids.type)).toBe('Int64');
    expect(raw(ids)).toEqual([1n, -2147483648n, 2147483647n]);
    expect(raw(r.batch.getChild('quantity')!.data[0]!)).toEqual([5n, null, 7n]);
  });

  it('casts ISO-8601 text to Timestamp(MICROSECOND, UTC)', () => {
    const text = ['2024-01-02T03:04:05Z', '2024-01-02 05:04:05.123456+02:00', null];
    const r = validateBatch(ordersBatch({ ordered_at: utf8Column(text) }), orders, { mode: 'strict', stream: 'orders', rowOffset: 0 });
    const d = r.batch.getChild('ordered_at')!.data[0]!;
    expect(describeType(d.type)).toBe('Timestamp(MICROSECOND, UTC)');
    expect(raw(d)).toEqual([micros('2024-01-02T03:04:05Z'), micros('2024-01-02T03:04:05Z') + 123456n, null]);
  });

  it('casts second/millisecond timestamps and other time zones to microseconds UTC', () => {
    const ms = arrow.makeData({ type: new arrow.TimestampMillisecond('Europe/Paris'), length: 3, nullCount: 0, data: BigInt64Array.from([0n, 1704164645000n, -1n]) });
    const r = validateBatch(ordersBatch({ ordered_at: ms }), orders, { mode: 'strict', stream: 'orders', rowOffset: 0 });
    expect(raw(r.batch.getChild('ordered_at')!.data[0]!)).toEqual([0n, 1704164645000000n, -1000n]);
  });

  it('strict: text that is not a timestamp names the value', () => {
    const e = strictError(ordersBatch({ ordered_at: utf8Column(['2024-01-02T03:04:05Z', '2024-02-30T00:00:00Z', null]) }), 10);
    expect(e.details).toMatchObject({ row: 11, field: 'ordered_at', expected: 'Timestamp(MICROSECOND, UTC)', actual: 'Utf8 "2024-02-30T00:00:00Z"' });
  });

  it('warn: keeps every row, counts invalid rows, nulls out uncastable values, returns issues', () => {
    const b = ordersBatch({
      customer: utf8Column([null, 'bob', null]),
      ordered_at: utf8Column(['2024-01-02T03:04:05Z', 'tomorrow', null]),
    });
    const r = validateBatch(b, orders, { mode: 'warn', stream: 'orders', rowOffset: 100 });
    expect(r.batch.numRows).toBe(3);
    expect(r.invalidRows).toBe(3);
    expect(r.issues.map((i) => [i.kind, i.row, i.field])).toEqual([
      ['null-in-required', 100, 'customer'],
      ['null-in-required', 102, 'customer'],
      ['type-mismatch', 101, 'ordered_at'],
    ]);
    expect(raw(r.batch.getChild('ordered_at')!.data[0]!)).toEqual([micros('2024-01-02T03:04:05Z'), null, null]);
    // Rows with nulls in required fields are kept, so warn mode's schema is nullable everywhere.
    expect(r.batch.schema.fields.every((f) => f.nullable)).toBe(true);
    expect(r.batch.schema.fields.map((f) => f.name)).toEqual(orders.fields.map((f) => f.name));
  });

  it('warn: caps the issues but counts every invalid row', () => {
    const n = 20;
    const b = new arrow.RecordBatch({
      order_id: i64(Array.from({ length: n }, (_, i) => i)),
      customer: utf8Column(Array.from({ length: n }, () => null)),
    });
    const r = validateBatch(b, orders, { mode: 'warn', stream: 'orders', rowOffset: 0, maxIssues: 3 });
    expect(r.issues).toHaveLength(3);
    expect(r.invalidRows).toBe(20);
  });

  it('extra columns: strict rejects them', () => {
    const b = ordersBatch({ coupon: utf8Column(['X', null, 'Y']) });
    const e = strictError(b);
    expect(e.details).toMatchObject({ kind: 'extra-field', field: 'coupon', actual: 'Utf8' });
  });

  it('extra columns: warn drops them and reports them once per stream', () => {
    const reported = new Set<string>();
    const b = ordersBatch({ coupon: utf8Column(['X', null, 'Y']) });
    const first = validateBatch(b, orders, { mode: 'warn', stream: 'orders', rowOffset: 0, reported });
    expect(first.batch.schema.fields.map((f) => f.name)).not.toContain('coupon');
    expect(first.batch.numCols).toBe(8);
    expect(first.invalidRows).toBe(0);
    expect(first.issues).toMatchObject([{ kind: 'extra-field', field: 'coupon' }]);
    const second = validateBatch(b, orders, { mode: 'warn', stream: 'orders', rowOffset: 3, reported });
    expect(second.issues).toEqual([]);
  });

  it('rejects an Int64 value out of range for an Int32 field', () => {
    const c = parseContract(
      'apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: "1"\nstatus: draft\nschema:\n  - name: t\n    properties:\n      - { name: n, logicalType: integer, physicalType: int }\n',
      't.yaml',
    );
    const b = new arrow.RecordBatch({ n: i64([1, 3_000_000_000, -5]) });
    const r = validateBatch(b, c.objects[0]!, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect(r.issues).toMatchObject([{ kind: 'type-mismatch', row: 1, field: 'n', expected: 'Int32', actual: 'Int64 3000000000' }]);
    expect(raw(r.batch.getChild('n')!.data[0]!)).toEqual([1, null, -5]);
  });
});
