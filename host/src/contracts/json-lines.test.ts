import * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataValidationError } from './errors.js';
import { jsonLinesToBatch } from './json-lines.js';
import { contractObjectFor, loadContract } from './load-contract.js';
import { validateBatch } from './validate-batch.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/contracts/orders.odcs.yaml', import.meta.url));
const orders = contractObjectFor(loadContract(EXAMPLE), 'orders');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const errorOf = (f: () => unknown): DataValidationError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataValidationError);
    return e as DataValidationError;
  }
  throw new Error('expected DataValidationError');
};

describe('jsonLinesToBatch', () => {
  it('builds a batch in the contract schema', () => {
    const text = [
      '{"order_id":1,"customer":"Zoë","product":"P-1","quantity":2,"price":9.5,"ordered_at":"2024-01-02T03:04:05.250Z","express":true,"region":"north","extra":1}',
      '',
      '{"region":"south","customer":"bob","order_id":2,"express":false,"product":null}\r',
      '{"order_id":3,"customer":"cy","ordered_at":"2024-01-02","quantity":-7}',
      '',
    ].join('\n');
    const b = jsonLinesToBatch(enc(text), orders);
    expect(b.numRows).toBe(3);
    // The contract's columns, then the key it does not declare (as text) for the schema check.
    expect(b.schema.fields.map((f) => f.name)).toEqual([...orders.fields.map((f) => f.name), 'extra']);
    expect(b.schema.fields.map((f) => String(f.type))).toEqual([...orders.arrowSchema.fields.map((f) => String(f.type)), 'Utf8']);
    expect([0, 1, 2].map((i) => b.getChild('extra')!.get(i))).toEqual(['1', null, null]);
    const ids = b.getChild('order_id')!.data[0]!;
    expect(Array.from(ids.values as BigInt64Array).slice(0, 3)).toEqual([1n, 2n, 3n]);
    expect(b.getChild('customer')!.toArray()).toEqual(['Zoë', 'bob', 'cy']);
    expect([0, 1, 2].map((i) => b.getChild('product')!.get(i))).toEqual(['P-1', null, null]);
    const qty = b.getChild('quantity')!.data[0]!;
    expect([qty.getValid(0), qty.getValid(1), qty.getValid(2)]).toEqual([true, false, true]);
    expect((qty.values as BigInt64Array)[2]).toBe(-7n);
    expect(b.getChild('price')!.get(0)).toBe(9.5);
    const at = b.getChild('ordered_at')!.data[0]!;
    expect((at.values as BigInt64Array)[0]).toBe(BigInt(Date.parse('2024-01-02T03:04:05Z')) * 1000n + 250_000n);
    expect((at.values as BigInt64Array)[2]).toBe(BigInt(Date.parse('2024-01-02T00:00:00Z')) * 1000n);
    expect(at.getValid(1)).toBe(false);
    expect([0, 1, 2].map((i) => b.getChild('express')!.get(i))).toEqual([true, false, null]);
    // The result round-trips through Arrow IPC and validates unchanged: its types pass, and only
    // the contract's quantity minimum (1) fails, on the -7.
    const back = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table(b), 'stream'));
    expect(back.schema.metadata.get('dativo.contract')).toBe(orders.parquetMetadata['dativo.contract']);
    const r = validateBatch(back.batches[0]!, orders, { mode: 'warn', stream: 'orders', rowOffset: 0 });
    expect(r.issues.filter((i) => i.kind !== 'extra-field').map((i) => [i.row, i.rule, i.actual])).toEqual([[2, 'minimum', 'Int64 -7']]);
    expect(r.issues.filter((i) => i.kind === 'extra-field').map((i) => i.field)).toEqual(['extra']);
  });

  it('names the line of corrupt JSON', () => {
    const text = '{"order_id":1,"customer":"a"}\n\n{"order_id": 3, "customer":\n{"order_id":4,"customer":"d"}\n';
    const e = errorOf(() => jsonLinesToBatch(enc(text), orders, { stream: 'orders-jsonl' }));
    expect(e.code).toBe('DATA_VALIDATION_FAILED');
    expect(e.message).toContain('stream "orders-jsonl" line 3: expected a JSON object, got invalid JSON');
    expect(e.details).toMatchObject({ kind: 'corrupt-line', row: 3 });
  });

  it('names the line of a value that is not a JSON object', () => {
    const e = errorOf(() => jsonLinesToBatch(enc('{"order_id":1,"customer":"a"}\n[1,2]\n'), orders));
    expect(e.details).toMatchObject({ kind: 'corrupt-line', row: 2, actual: 'JSON array' });
  });

  it('names the line of bytes that are not UTF-8', () => {
    const bytes = new Uint8Array([...enc('{"order_id":1,"customer":"a"}\n{"order_id":2,"customer":"'), 0xff, ...enc('"}\n')]);
    const e = errorOf(() => jsonLinesToBatch(bytes, orders));
    expect(e.details).toMatchObject({ kind: 'corrupt-line', row: 2 });
  });

  it('rejects a value of the wrong JSON type, naming row, field and line', () => {
    const text = '{"order_id":1,"customer":"a"}\n{"order_id":2,"customer":"b","quantity":2.5}\n';
    const e = errorOf(() => jsonLinesToBatch(enc(text), orders, { rowOffset: 10 }));
    expect(e.details).toMatchObject({ kind: 'type-mismatch', row: 11, field: 'quantity' });
    expect(e.message).toContain('row 11, field "quantity": expected a JSON integer (Int64, |v| <= 2^53), got JSON number 2.5 (line 2)');
  });

  it('rejects timestamp text that is not ISO-8601', () => {
    const e = errorOf(() => jsonLinesToBatch(enc('{"order_id":1,"customer":"a","ordered_at":"02/01/2024"}'), orders));
    expect(e.details).toMatchObject({ field: 'ordered_at', expected: 'an ISO-8601 timestamp' });
  });
});

describe("jsonLinesToBatch with invalidValues: 'null' (warn mode)", () => {
  const text = [
    '{"order_id":1,"customer":"a","quantity":2,"express":true,"ordered_at":"2024-01-02T00:00:00Z"}',
    '{"order_id":2,"customer":"b","quantity":"two","express":"yes","ordered_at":"later"}',
    '{"order_id":3,"customer":7,"quantity":0}',
  ].join('\n');

  it('a value of the wrong type is null, and validateBatch fails its row with rule "type"', () => {
    const b = jsonLinesToBatch(enc(text), orders, { rowOffset: 10, invalidValues: 'null' });
    expect(b.numRows).toBe(3);
    expect(b.getChild('quantity')!.get(1)).toBeNull();
    const r = validateBatch(b, orders, { mode: 'warn', stream: 'orders', rowOffset: 10 });
    expect([...r.failures].map((f) => [f.row, f.rule, f.field, f.value])).toEqual([
      [11, 'type', 'quantity', 'two'],
      [12, 'type', 'customer', '7'],
    ]);
    // every failure is an issue, in contract field order per row's columns
    expect(r.issues.map((i) => [i.row, i.field, i.rule, i.actual])).toEqual([
      [12, 'customer', 'type', 'JSON number 7 (line 3)'],
      [11, 'quantity', 'type', 'JSON string "two" (line 2)'],
      [12, 'quantity', 'minimum', 'Int64 0'],
      [11, 'ordered_at', 'type', 'JSON string "later" (line 2)'],
      [11, 'express', 'type', 'JSON string "yes" (line 2)'],
    ]);
    expect(r.invalidRows).toBe(2);
  });

  it('strict validation of that batch names row, field, rule and the JSON value', () => {
    const b = jsonLinesToBatch(enc(text), orders, { invalidValues: 'null' });
    expect(() => validateBatch(b, orders, { mode: 'strict', stream: 'orders', rowOffset: 0 })).toThrow(
      'stream "orders" row 2, field "customer": expected a JSON string (Utf8), got JSON number 7 (line 3)',
    );
  });

  it('the default still throws at the first wrong value', () => {
    // columns are decoded in contract order: customer (line 3) comes before quantity (line 2)
    expect(errorOf(() => jsonLinesToBatch(enc(text), orders)).details).toMatchObject({ row: 2, field: 'customer' });
  });
});
