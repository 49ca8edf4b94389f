import * as arrow from 'apache-arrow';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Column } from '../columns.js';
import { DataValidationError } from '../errors.js';
import { contractObjectFor, loadContract } from '../load-contract.js';
import { validateBatch } from '../validate-batch.js';
import { StreamRules } from './stream-rules.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const orders = contractObjectFor(
  loadContract(join(root, 'examples/contracts/orders.odcs.yaml')),
  'orders',
);
const dir = mkdtempSync(join(tmpdir(), 'dativo-orders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The quick start's CSV as Arrow batches of 16384 rows (its values have no quotes or commas). */
function* csvBatches(file: string): Generator<arrow.RecordBatch> {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(1);
  for (let s = 0; s < lines.length; s += 16384) {
    const rows = lines.slice(s, s + 16384).map((l) => l.split(','));
    const c = (k: number) => rows.map((r) => r[k]!);
    yield new arrow.RecordBatch({
      order_id: arrow.vectorFromArray(c(0).map(BigInt), new arrow.Int64()).data[0]!,
      customer: utf8Column(c(1)),
      product: utf8Column(c(2)),
      quantity: arrow.vectorFromArray(c(3).map(BigInt), new arrow.Int64()).data[0]!,
      price: arrow.vectorFromArray(c(4).map(Number), new arrow.Float64()).data[0]!,
      ordered_at: utf8Column(c(5)),
      express: arrow.vectorFromArray(
        c(6).map((x) => x === 'true'),
        new arrow.Bool(),
      ).data[0]!,
      region: utf8Column(c(7)),
    });
  }
}

describe('examples/contracts/orders.odcs.yaml', () => {
  it('enforces its rules: quantity and price minimums, order_id primary key and unique', () => {
    expect(
      [...orders.rules.checks].map(([f, cs]) => [f, cs.map((c) => `${c.rule} ${c.expected}`)]),
    ).toEqual([
      ['quantity', ['minimum >= 1']],
      ['price', ['minimum >= 0']],
    ]);
    expect(orders.rules.keys.map((k) => [k.fields, k.rowRules.map((r) => r.rule)])).toEqual([
      [['order_id'], ['primaryKey', 'unique']],
    ]);
    const bad = [...csvBatches(generate(3, 'bad.csv'))][0]!;
    const quantity = arrow.vectorFromArray([1n, 0n, 2n], new arrow.Int64()).data[0]!;
    const withZero = new arrow.RecordBatch({
      ...Object.fromEntries(bad.schema.fields.map((f, i) => [f.name, bad.data.children[i]!])),
      quantity,
    });
    expect(() =>
      validateBatch(withZero, orders, { mode: 'strict', stream: 'orders', rowOffset: 0 }),
    ).toThrow(DataValidationError);
    expect(() =>
      validateBatch(withZero, orders, { mode: 'strict', stream: 'orders', rowOffset: 0 }),
    ).toThrow('stream "orders" row 1, field "quantity": rule minimum (>= 1) failed, got Int64 0');
  });

  it('the quick start data (examples/generate-orders.mjs) passes every rule in strict mode', () => {
    const rules = new StreamRules(orders, { stream: 'orders', mode: 'strict' });
    let rowOffset = 0;
    for (const b of csvBatches(generate(50_000, 'orders.csv'))) {
      const v = validateBatch(b, orders, { mode: 'strict', stream: 'orders', rowOffset, rules });
      expect(v.failures.size).toBe(0);
      rowOffset += b.numRows;
    }
    expect(rowOffset).toBe(50_000);
    expect(rules.finish()).toEqual([]);
    expect(rules.memoryBytes).toBe(8192 * 8); // ascending order ids: an interval, no growing table
  });
});

function generate(rows: number, name: string): string {
  const out = join(dir, name);
  execFileSync(
    process.execPath,
    [join(root, 'examples/generate-orders.mjs'), '--rows', String(rows), '--out', out],
    { stdio: 'ignore' },
  );
  return out;
}
