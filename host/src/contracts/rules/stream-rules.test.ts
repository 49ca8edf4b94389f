import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { utf8Column } from '../columns.js';
import { DataValidationError } from '../errors.js';
import { contractObjectFor, parseContract } from '../load-contract.js';
import type { ContractObject } from '../model.js';
import { validateBatch } from '../validate-batch.js';
import { KeySet, Seen } from './key-set.js';
import { StreamRules } from './stream-rules.js';

const objectOf = (properties: unknown[], quality?: unknown[]): ContractObject =>
  contractObjectFor(
    parseContract(
      `apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties: ${JSON.stringify(properties)}\n${quality ? `    quality: ${JSON.stringify(quality)}\n` : ''}`,
      't.odcs.yaml',
    ),
    't',
  );
const i64 = (v: (number | bigint | null)[]) =>
  arrow.vectorFromArray(
    v.map((x) => (x === null ? null : BigInt(x))),
    new arrow.Int64(),
  ).data[0]!;
const i32 = (v: (number | null)[]) => arrow.vectorFromArray(v, new arrow.Int32()).data[0]!;
const f64 = (v: (number | null)[]) => arrow.vectorFromArray(v, new arrow.Float64()).data[0]!;

function runWarn(o: ContractObject, batches: Record<string, arrow.Data>[], maxKeys?: number) {
  const rules = new StreamRules(o, { stream: 't', mode: 'warn', ...(maxKeys ? { maxKeys } : {}) });
  let offset = 0;
  const failures: [number, string, string, string][] = [];
  for (const cols of batches) {
    const b = new arrow.RecordBatch(cols);
    for (const f of validateBatch(b, o, { mode: 'warn', stream: 't', rowOffset: offset, rules })
      .failures)
      failures.push([f.row, f.rule, f.field, f.value]);
    offset += b.numRows;
  }
  return { failures, results: rules.finish(), rules };
}

const id = (extra: Record<string, unknown> = {}) => ({
  name: 'id',
  logicalType: 'integer',
  ...extra,
});

describe('unique and primaryKey within a run', () => {
  it('unique: a value repeated in a later batch fails the later row; nulls never repeat', () => {
    const o = objectOf([id({ unique: true })]);
    const { failures } = runWarn(o, [{ id: i64([1, 2, null]) }, { id: i64([3, 2, null, 1, 1]) }]);
    expect(failures).toEqual([
      [4, 'unique', 'id', '2'],
      [6, 'unique', 'id', '1'],
      [7, 'unique', 'id', '1'],
    ]);
  });

  it('countByRule: failing rows per rule of a batch', () => {
    const o = objectOf([id({ unique: true, logicalTypeOptions: { minimum: 0 } })]);
    const rules = new StreamRules(o, { stream: 't', mode: 'warn' });
    const v = validateBatch(new arrow.RecordBatch({ id: i64([1, 1, -1, 1, -2, 2]) }), o, { mode: 'warn', stream: 't', rowOffset: 0, rules });
    expect(v.failures.countByRule()).toEqual({ unique: 2, minimum: 2 });
  });

  it('strict: the first repeated key fails the run with row, field, rule and value', () => {
    const o = objectOf([id({ primaryKey: true })]);
    const rules = new StreamRules(o, { stream: 't', mode: 'strict' });
    validateBatch(new arrow.RecordBatch({ id: i64([5, 6]) }), o, {
      mode: 'strict',
      stream: 't',
      rowOffset: 0,
      rules,
    });
    let err: unknown;
    try {
      validateBatch(new arrow.RecordBatch({ id: i64([7, 5]) }), o, {
        mode: 'strict',
        stream: 't',
        rowOffset: 2,
        rules,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataValidationError);
    expect((err as DataValidationError).details).toMatchObject({
      row: 3,
      field: 'id',
      rule: 'primaryKey',
      kind: 'rule-violation',
      actual: '5',
    });
  });

  it('composite primary key (by primaryKeyPosition): a repeated tuple fails, a repeated part does not', () => {
    const o = objectOf([
      { name: 'order', logicalType: 'integer', primaryKey: true, primaryKeyPosition: 2 },
      { name: 'tenant', logicalType: 'string', primaryKey: true, primaryKeyPosition: 1 },
    ]);
    expect(o.primaryKey).toEqual(['tenant', 'order']);
    const { failures } = runWarn(o, [
      { order: i64([1, 1, 2]), tenant: utf8Column(['a', 'b', 'a']) },
      { order: i64([1, 2, 2]), tenant: utf8Column(['b', 'b', 'c']) },
    ]);
    expect(failures).toEqual([[3, 'primaryKey', 'tenant,order', '(b, 1)']]);
  });

  it('a row that already failed another rule is not keyed (a quarantined row makes no duplicate)', () => {
    const o = objectOf([id({ unique: true, logicalTypeOptions: { minimum: 0 } })]);
    expect(runWarn(o, [{ id: i64([-1, 1]) }, { id: i64([-1, 1]) }]).failures).toEqual([
      [0, 'minimum', 'id', '-1'],
      [2, 'minimum', 'id', '-1'],
      [3, 'unique', 'id', '1'],
    ]);
  });

  it('a key whose first row failed another rule is free for a later row (int and string keys)', () => {
    const o = objectOf([
      id({ unique: true }),
      { name: 'q', logicalType: 'integer', logicalTypeOptions: { minimum: 1 } },
    ]);
    expect(
      runWarn(o, [
        { id: i64([7, 8]), q: i64([0, 1]) },
        { id: i64([7, 8]), q: i64([1, 1]) },
      ]).failures,
    ).toEqual([
      [0, 'minimum', 'q', '0'],
      [3, 'unique', 'id', '8'],
    ]);
    const s = objectOf([
      { name: 's', logicalType: 'string', unique: true },
      { name: 'q', logicalType: 'integer', logicalTypeOptions: { minimum: 1 } },
    ]);
    expect(
      runWarn(s, [
        { s: utf8Column(['a', 'b']), q: i64([0, 1]) },
        { s: utf8Column(['a', 'b']), q: i64([1, 1]) },
      ]).failures,
    ).toEqual([
      [0, 'minimum', 'q', '0'],
      [3, 'unique', 's', 'b'],
    ]);
  });

  it('an id stored in the table is found when the interval reaches it', () => {
    const o = objectOf([id({ unique: true })]);
    // 2 is stored (not next to [0, 0]); 1 extends the interval to [0, 1]; then 2 comes again.
    expect(runWarn(o, [{ id: i64([0, 2, 1, 2, 3, -1, -1]) }]).failures.map((f) => f[0])).toEqual([
      3, 6,
    ]);
  });

  it('keys of every contract type: Int32, Int64 beyond 2^53 and negative, Float64, strings', () => {
    const big = 2n ** 62n;
    expect(
      runWarn(objectOf([id({ unique: true })]), [
        { id: i64([big, -big, big + 1n, -1, 0, -1, big]) },
      ]).failures.map((f) => f[0]),
    ).toEqual([5, 6]);
    expect(
      runWarn(objectOf([id({ unique: true, physicalType: 'int' })]), [
        { id: i32([3, 2, 1, 0, -1, 2]) },
      ]).failures.map((f) => f[0]),
    ).toEqual([5]);
    expect(
      runWarn(objectOf([{ name: 'x', logicalType: 'number', unique: true }]), [
        { x: f64([0.5, -0, 0, 0.5, 1e300]) },
      ]).failures.map((f) => f[0]),
    ).toEqual([2, 3]);
    const s = objectOf([{ name: 's', logicalType: 'string', unique: true }]);
    expect(
      runWarn(s, [
        { s: utf8Column(['', 'a', 'ab', 'ba', 'é']) },
        { s: utf8Column(['ab', '', 'e', 'é']) },
      ]).failures.map((f) => f[3]),
    ).toEqual(['ab', '', 'é']);
  });

  it('ascending and descending ids are found again after their interval grew', () => {
    const o = objectOf([id({ unique: true })]);
    const up = (from: number) => Array.from({ length: 1000 }, (_, i) => from + i);
    const down = Array.from({ length: 1000 }, (_, i) => -1 - i);
    const r = runWarn(o, [
      { id: i64(up(0)) },
      { id: i64(up(1000)) },
      { id: i64(down) },
      { id: i64([5000, 999, -1000, 1500, 4999, 5000, 2000]) },
    ]);
    expect(r.failures.map((f) => f[3])).toEqual(['999', '-1000', '1500', '5000']);
    expect(r.rules.memoryBytes).toBe(8192 * 8); // the interval took no table space beyond the first
  });

  it('a batch of consecutive ids that covers an id stored in the table finds it', () => {
    const o = objectOf([id({ unique: true })]);
    const r = runWarn(o, [{ id: i64([0, 1, 2]) }, { id: i64([5]) }, { id: i64([3, 4, 5, 6]) }]);
    expect(r.failures).toEqual([[6, 'unique', 'id', '5']]);
  });
});

describe('duplicate counts', () => {
  it('duplicateCount (property, v3.0.2) with a tolerance is compared at the end', () => {
    const o = objectOf([
      {
        name: 'name',
        logicalType: 'string',
        quality: [{ rule: 'duplicateCount', mustBeLessThan: 2, unit: 'rows' }],
      },
    ]);
    const pass = runWarn(o, [{ name: utf8Column(['a', 'b', 'a']) }]);
    expect(pass.failures).toEqual([]);
    expect(pass.results).toMatchObject([
      { rule: 'duplicateCount', field: 'name', actual: 1, status: 'passed' },
    ]);
    const fail = runWarn(o, [{ name: utf8Column(['a', 'b', 'a']) }, { name: utf8Column(['b']) }]);
    expect(fail.results).toMatchObject([{ actual: 2, status: 'failed' }]);
  });

  it('duplicateValues at object level over arguments.properties, in percent', () => {
    const o = objectOf(
      [
        { name: 'a', logicalType: 'integer' },
        { name: 'b', logicalType: 'string' },
      ],
      [
        {
          rule: 'duplicateValues',
          arguments: { properties: ['a', 'b'] },
          mustBeLessThan: 20,
          unit: 'percent',
        },
      ],
    );
    const r = runWarn(o, [{ a: i64([1, 1, 2, 1, 3]), b: utf8Column(['x', 'y', 'x', 'x', 'x']) }]);
    expect(r.results).toMatchObject([
      { rule: 'duplicateValues', field: 'a,b', actual: 20, unit: 'percent', status: 'failed' },
    ]);
  });

  it('duplicateValues mustBe 0 fails the repeated rows themselves', () => {
    const o = objectOf([
      { name: 'e', logicalType: 'string', quality: [{ rule: 'duplicateValues', mustBe: 0 }] },
    ]);
    expect(runWarn(o, [{ e: utf8Column(['x', 'y', 'x']) }]).failures).toEqual([
      [2, 'duplicateValues', 'e', 'x'],
    ]);
  });
});

describe('bounded memory', () => {
  it('past maxKeys new keys are not stored and the rule is reported unchecked, never passed', () => {
    const o = objectOf([{ name: 's', logicalType: 'string', unique: true }]);
    const r = runWarn(o, [{ s: utf8Column(['a', 'b', 'c', 'a', 'd', 'c']) }], 2);
    // a and b are stored: the repeated a is found; c is past the cap, so its repeat is missed.
    expect(r.failures).toEqual([[3, 'unique', 's', 'a']]);
    expect(r.results).toMatchObject([
      { rule: 'unique', field: 's', status: 'unchecked', actual: 1 },
    ]);
    expect(r.results[0]!.message).toContain(
      'more than 2 distinct keys in this run; 3 rows were not checked',
    );
  });

  it('KeySet doubles from 8192 slots and stays within the slots for maxKeys', () => {
    const s = new KeySet(100_000);
    let added = 0;
    for (let i = 0; i < 100_000; i++) added += s.add(i * 7919, i) === Seen.New ? 1 : 0;
    expect(added).toBe(100_000);
    expect(s.add(7919, 1)).toBe(Seen.Again);
    expect(s.add(0, 0)).toBe(Seen.Again); // i = 0 is the key (0, 0)
    expect(s.add(1, 1)).toBe(Seen.Unstored);
    expect(s.bytes).toBe(262_144 * 8); // 2^18 slots: the power of two that holds 100,000 keys at load 3/4
  });
});

describe('wiring', () => {
  it('a StreamRules of another object is refused', () => {
    const a = objectOf([id({ unique: true })]);
    const b = objectOf([id({ unique: true })]);
    const rules = new StreamRules(a, { stream: 't', mode: 'warn' });
    expect(() => validateBatch(new arrow.RecordBatch({ id: i64([1]) }), b, { mode: 'warn', stream: 't', rowOffset: 0, rules })).toThrow(
      'the StreamRules given were made for another contract object ("t")',
    );
  });
});
