import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { utf8Column } from '../columns.js';
import { DataQualityError, DataValidationError } from '../errors.js';
import { contractObjectFor, parseContract } from '../load-contract.js';
import type { ContractObject } from '../model.js';
import { validateBatch } from '../validate-batch.js';
import { StreamRules } from './stream-rules.js';

const objectOf = (properties: unknown[], quality?: unknown[]): ContractObject =>
  contractObjectFor(
    parseContract(
      `apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties: ${JSON.stringify(properties)}\n${quality ? `    quality: ${JSON.stringify(quality)}\n` : ''}`,
      't.odcs.yaml',
    ),
    't',
  );

const str = (name: string, quality: unknown[]) => ({ name, logicalType: 'string', quality });
const batchOf = (values: (string | null)[], name = 'u'): arrow.RecordBatch =>
  new arrow.RecordBatch({ [name]: utf8Column(values) });

/** Runs batches through validateBatch + StreamRules in warn mode: failing rows and finish(). */
function runWarn(o: ContractObject, batches: arrow.RecordBatch[]) {
  const rules = new StreamRules(o, { stream: 't', mode: 'warn' });
  let offset = 0;
  const failures: [number, string, string, string][] = [];
  for (const b of batches) {
    const r = validateBatch(b, o, { mode: 'warn', stream: 't', rowOffset: offset, rules });
    for (const f of r.failures) failures.push([f.row, f.rule, f.field, f.value]);
    offset += b.numRows;
  }
  return { failures, results: rules.finish() };
}

function runStrict(o: ContractObject, batches: arrow.RecordBatch[]): unknown {
  const rules = new StreamRules(o, { stream: 't', mode: 'strict' });
  let offset = 0;
  try {
    for (const b of batches) {
      validateBatch(b, o, { mode: 'strict', stream: 't', rowOffset: offset, rules });
      offset += b.numRows;
    }
    rules.finish();
  } catch (e) {
    return e;
  }
  throw new Error('expected the strict run to fail');
}

describe('library rules: row-level (a count that must be 0)', () => {
  it('validValues (v3.0.2: the list on the entry, no operator): every value must be listed', () => {
    const o = objectOf([str('u', [{ rule: 'validValues', validValues: ['kg', 'pounds'] }])]);
    const b = batchOf(['kg', 'g', null, 'pounds', 'g']);
    expect(runWarn(o, [b]).failures).toEqual([
      [1, 'validValues', 'u', 'g'],
      [4, 'validValues', 'u', 'g'],
    ]);
    const e = runStrict(o, [b]) as DataValidationError;
    expect(e).toBeInstanceOf(DataValidationError);
    expect(e.details).toMatchObject({
      row: 1,
      field: 'u',
      rule: 'validValues',
      actual: 'Utf8 "g"',
      expected: 'one of ["kg","pounds"]',
    });
  });

  it('invalidValues with arguments (validValues and pattern) and mustBe: 0', () => {
    const o = objectOf([
      str('u', [
        {
          type: 'library',
          rule: 'invalidValues',
          mustBe: 0,
          arguments: { validValues: ['AB1', 'AB2', 'ab3'], pattern: '^[A-Z]' },
        },
      ]),
    ]);
    expect(runWarn(o, [batchOf(['AB1', 'ab3', 'XY9'])]).failures).toEqual([
      [1, 'invalidValues', 'u', 'ab3'],
      [2, 'invalidValues', 'u', 'XY9'],
    ]);
  });

  it('validValues on an integer field compares numbers', () => {
    const o = objectOf([
      {
        name: 'n',
        logicalType: 'integer',
        quality: [{ rule: 'validValues', validValues: [1, 2, 3] }],
      },
    ]);
    const b = new arrow.RecordBatch({
      n: arrow.vectorFromArray([1n, 4n, 3n], new arrow.Int64()).data[0]!,
    });
    expect(runWarn(o, [b]).failures).toEqual([[1, 'validValues', 'n', '4']]);
  });

  it('nullValues mustBe 0 fails each null row', () => {
    const o = objectOf([str('u', [{ rule: 'nullValues', mustBe: 0 }])]);
    const b = batchOf(['a', null, 'c']);
    expect(runWarn(o, [b]).failures).toEqual([[1, 'nullValues', 'u', '']]);
    expect((runStrict(o, [b]) as DataValidationError).details).toMatchObject({
      rule: 'nullValues',
      row: 1,
      actual: 'null',
    });
  });

  it('missingValues on an integer field: listed numbers and null', () => {
    const o = objectOf([{ name: 'n', logicalType: 'integer', quality: [{ rule: 'missingValues', mustBe: 0, arguments: { missingValues: [null, -1] } }] }]);
    const b = new arrow.RecordBatch({ n: arrow.vectorFromArray([1n, -1n, null, 2n], new arrow.Int64()).data[0]! });
    expect(runWarn(o, [b]).failures).toEqual([
      [1, 'missingValues', 'n', '-1'],
      [2, 'missingValues', 'n', ''],
    ]);
  });

  it('missingValues (arguments.missingValues, null listed) mustBeLessThan 1', () => {
    const o = objectOf([
      str('u', [
        {
          rule: 'missingValues',
          arguments: { missingValues: [null, '', 'N/A'] },
          mustBeLessThan: 1,
        },
      ]),
    ]);
    expect(runWarn(o, [batchOf(['x', '', null, 'N/A', 'n/a'])]).failures).toEqual([
      [1, 'missingValues', 'u', ''],
      [2, 'missingValues', 'u', ''],
      [3, 'missingValues', 'u', 'N/A'],
    ]);
  });
});

describe('library rules: counts over the stream', () => {
  it('rowCount mustBeBetween (exclusive, as ODCS v3.0.2 defines it) across batches', () => {
    const o = objectOf([str('u', [])], [{ rule: 'rowCount', mustBeBetween: [2, 5] }]);
    const ok = runWarn(o, [batchOf(['a', 'b']), batchOf(['c'])]);
    expect(ok.results.map((r) => [r.rule, r.actual, r.status])).toEqual([
      ['rowCount', 3, 'passed'],
    ]);
    const edge = runWarn(o, [batchOf(['a']), batchOf(['b'])]);
    expect(edge.results[0]).toMatchObject({
      rule: 'rowCount',
      actual: 2,
      status: 'failed',
      message: 'stream "t": rowCount failed: 2 rows, expected mustBeBetween [2, 5]',
    });
    const e = runStrict(o, [batchOf(['a', 'b', 'c', 'd', 'e'])]) as DataQualityError;
    expect(e).toBeInstanceOf(DataQualityError);
    expect(e.code).toBe('DATA_QUALITY_FAILED');
    expect(e.details).toMatchObject({
      stream: 't',
      rule: 'rowCount',
      actual: 5,
      expected: 'mustBeBetween [2, 5]',
    });
  });

  it('nullValues with a percent tolerance is compared at the end, rows are not failed', () => {
    const o = objectOf([str('u', [{ rule: 'nullValues', mustBeLessThan: 30, unit: 'percent' }])]);
    const pass = runWarn(o, [batchOf(['a', null, 'c', 'd'])]);
    expect(pass.failures).toEqual([]);
    expect(pass.results[0]).toMatchObject({
      rule: 'nullValues',
      field: 'u',
      actual: 25,
      unit: 'percent',
      status: 'passed',
    });
    const fail = runWarn(o, [batchOf(['a', null]), batchOf([null, 'd'])]);
    expect(fail.results[0]).toMatchObject({ actual: 50, status: 'failed' });
    expect((runStrict(o, [batchOf([null, 'x'])]) as DataQualityError).details).toMatchObject({
      rule: 'nullValues',
      field: 'u',
      actual: 50,
    });
  });

  it('invalidValues with a row tolerance (mustBeLessOrEqualTo 1)', () => {
    const o = objectOf([
      str('u', [
        { rule: 'invalidValues', arguments: { validValues: ['a'] }, mustBeLessOrEqualTo: 1 },
      ]),
    ]);
    expect(runWarn(o, [batchOf(['a', 'b']), batchOf(['a'])]).results[0]).toMatchObject({
      actual: 1,
      status: 'passed',
    });
    expect(runWarn(o, [batchOf(['a', 'b']), batchOf(['c'])]).results[0]).toMatchObject({
      actual: 2,
      status: 'failed',
    });
  });

  it('mustNotBe, mustBeGreaterThan, mustBeGreaterOrEqualTo, mustNotBeBetween on rowCount', () => {
    const count = (q: Record<string, unknown>, n: number) =>
      runWarn(objectOf([str('u', [])], [{ rule: 'rowCount', ...q }]), [
        batchOf(Array.from({ length: n }, () => 'x')),
      ]).results[0]!.status;
    expect([count({ mustNotBe: 2 }, 2), count({ mustNotBe: 2 }, 3)]).toEqual(['failed', 'passed']);
    expect([count({ mustBeGreaterThan: 2 }, 2), count({ mustBeGreaterThan: 2 }, 3)]).toEqual([
      'failed',
      'passed',
    ]);
    expect([
      count({ mustBeGreaterOrEqualTo: 2 }, 1),
      count({ mustBeGreaterOrEqualTo: 2 }, 2),
    ]).toEqual(['failed', 'passed']);
    expect([
      count({ mustNotBeBetween: [1, 3] }, 2),
      count({ mustNotBeBetween: [1, 3] }, 3),
    ]).toEqual(['failed', 'passed']);
    expect([count({ mustBeLessThan: 3 }, 3), count({ mustBeLessThan: 3 }, 2)]).toEqual([
      'failed',
      'passed',
    ]);
    expect([count({ mustBe: 1, mustBeLessThan: 5 }, 2), count({ mustBe: 1 }, 1)]).toEqual([
      'failed',
      'passed',
    ]);
  });
});

describe('quality rules the host does not run', () => {
  it('sql, custom, text and unknown library rules are listed as not enforced', () => {
    const o = objectOf(
      [
        str('u', [
          { type: 'text', description: 'checked by hand' },
          { rule: 'nullCheck' },
          { type: 'custom', engine: 'soda', implementation: 'x' },
        ]),
      ],
      [{ type: 'sql', query: 'SELECT COUNT(*) FROM t', mustBeLessThan: 10 }],
    );
    expect(o.rules.notEnforced.map((n) => [n.field ?? '(object)', n.type, n.rule])).toEqual([
      ['u', 'text', '"checked by hand"'],
      ['u', 'library', 'nullCheck'],
      ['u', 'custom', '(unnamed)'],
      ['(object)', 'sql', '(unnamed)'],
    ]);
    const rules = new StreamRules(o, { stream: 't', mode: 'strict' });
    expect(rules.notEnforced).toHaveLength(4);
    validateBatch(batchOf([null]), o, { mode: 'strict', stream: 't', rowOffset: 0, rules });
    expect(rules.finish()).toEqual([]);
  });

  it('an unknown unit is not enforced', () => {
    const o = objectOf([str('u', [{ rule: 'nullValues', mustBe: 0, unit: 'bytes' }])]);
    expect(o.rules.checks.size).toBe(0);
    expect(o.rules.notEnforced[0]).toMatchObject({
      rule: 'nullValues',
      reason: 'unit "bytes" is not rows or percent',
    });
  });
});

describe('library rules the host cannot read refuse the contract', () => {
  it.each([
    [[str('u', [{ rule: 'rowCount' }])], undefined, /quality\/0: rowCount: needs an operator/],
    [
      [str('u', [{ rule: 'missingValues', mustBe: 0 }])],
      undefined,
      /missingValues: needs arguments.missingValues/,
    ],
    [
      [str('u', [{ rule: 'invalidValues', mustBe: 0 }])],
      undefined,
      /invalidValues: needs validValues \(a list\) or pattern/,
    ],
    [
      [str('u', [{ rule: 'validValues', validValues: [1] }])],
      undefined,
      /1 in validValues is not a string value of "u"/,
    ],
    [
      [str('u', [{ rule: 'nullValues', mustBeBetween: [5, 1] }])],
      undefined,
      /mustBeBetween must be two numbers, the smallest first/,
    ],
    [
      [str('u', [])],
      [{ rule: 'duplicateValues', mustBe: 0 }],
      /schema\/0\/quality\/0: duplicateValues: at object level it needs arguments.properties/,
    ],
    [
      [str('u', [])],
      [{ rule: 'duplicateValues', mustBe: 0, arguments: { properties: ['v'] } }],
      /names "v", which is not a property/,
    ],
    [[str('u', [])], [{ rule: 'nullValues', mustBe: 0 }], /nullValues: is a property-level rule/],
  ])('%j %j', (props, quality, message) => {
    expect(() => objectOf(props, quality)).toThrow(message);
  });
});
