/**
 * Every rule the host enforces, in strict and in warn mode, through validateBatch + StreamRules
 * as the pipeline calls them: strict fails naming the rule, warn keeps the rows and reports them
 * (row rules: in the batch's failures; count rules: in finish()).
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { utf8Column } from '../columns.js';
import { DataQualityError, DataValidationError } from '../errors.js';
import { contractObjectFor, parseContract } from '../load-contract.js';
import type { ContractObject } from '../model.js';
import { validateBatch } from '../validate-batch.js';
import { describeNotEnforced } from './describe.js';
import { StreamRules } from './stream-rules.js';

const objectOf = (properties: unknown[], quality?: unknown[]): ContractObject =>
  contractObjectFor(
    parseContract(
      `apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties: ${JSON.stringify(properties)}\n${quality ? `    quality: ${JSON.stringify(quality)}\n` : ''}`,
      't.odcs.yaml',
    ),
    't',
  );
const i64 = (v: (number | null)[]) => arrow.vectorFromArray(v.map((x) => (x === null ? null : BigInt(x))), new arrow.Int64()).data[0]!;
const f64 = (v: number[]) => arrow.vectorFromArray(v, new arrow.Float64()).data[0]!;
const s = (v: (string | null)[]) => utf8Column(v);
const int = (name: string, extra: Record<string, unknown> = {}) => ({ name, logicalType: 'integer', ...extra });
const str = (name: string, extra: Record<string, unknown> = {}) => ({ name, logicalType: 'string', ...extra });

interface Case {
  rule: string;
  props: unknown[];
  quality?: unknown[];
  batches: Record<string, arrow.Data>[];
  /** Row rules: the failing row (absolute) and value; count rules: the metric finish() reports. */
  row?: [number, string, string];
  count?: [string, number];
}

const cases: Case[] = [
  { rule: 'minimum', props: [int('q', { logicalTypeOptions: { minimum: 1 } })], batches: [{ q: i64([1, 0]) }], row: [1, 'q', '0'] },
  { rule: 'maximum', props: [int('q', { logicalTypeOptions: { maximum: 1 } })], batches: [{ q: i64([2]) }], row: [0, 'q', '2'] },
  { rule: 'exclusiveMinimum', props: [int('q', { logicalTypeOptions: { minimum: 1, exclusiveMinimum: true } })], batches: [{ q: i64([2, 1]) }], row: [1, 'q', '1'] },
  { rule: 'exclusiveMaximum', props: [int('q', { logicalTypeOptions: { maximum: 1, exclusiveMaximum: true } })], batches: [{ q: i64([1]) }], row: [0, 'q', '1'] },
  { rule: 'format', props: [int('q', { physicalType: 'int', logicalTypeOptions: { format: 'u8' } })], batches: [{ q: s(['255', '256']) }], row: [1, 'q', '256'] },
  { rule: 'multipleOf', props: [{ name: 'p', logicalType: 'number', logicalTypeOptions: { multipleOf: 0.25 } }], batches: [{ p: f64([0.5, 0.3]) }], row: [1, 'p', '0.3'] },
  { rule: 'minimum', props: [{ name: 'd', logicalType: 'date', logicalTypeOptions: { minimum: '2024-01-01' } }], batches: [{ d: s(['2023-06-01']) }], row: [0, 'd', '2023-06-01'] },
  {
    rule: 'maximum',
    props: [{ name: 'at', logicalType: 'date', physicalType: 'timestamp', logicalTypeOptions: { maximum: '2024-01-01T00:00:00Z' } }],
    batches: [{ at: s(['2024-01-01T00:00:00.000001Z']) }],
    row: [0, 'at', '2024-01-01T00:00:00.000001Z'],
  },
  { rule: 'minLength', props: [str('c', { logicalTypeOptions: { minLength: 2 } })], batches: [{ c: s(['ab', 'a']) }], row: [1, 'c', 'a'] },
  { rule: 'maxLength', props: [str('c', { logicalTypeOptions: { maxLength: 2 } })], batches: [{ c: s(['abc']) }], row: [0, 'c', 'abc'] },
  { rule: 'pattern', props: [str('c', { logicalTypeOptions: { pattern: '^[a-z]+$' } })], batches: [{ c: s(['ok', 'No']) }], row: [1, 'c', 'No'] },
  { rule: 'format', props: [str('c', { logicalTypeOptions: { format: 'email' } })], batches: [{ c: s(['a@b.co', 'nope']) }], row: [1, 'c', 'nope'] },
  { rule: 'maxItems', props: [{ name: 'a', logicalType: 'array', logicalTypeOptions: { maxItems: 1 } }], batches: [{ a: s(['[1]', '[1,2]']) }], row: [1, 'a', '[1,2]'] },
  { rule: 'required', props: [{ name: 'o', logicalType: 'object', logicalTypeOptions: { required: ['k'] } }], batches: [{ o: s(['{"x":1}']) }], row: [0, 'o', '{"x":1}'] },
  { rule: 'type', props: [int('q')], batches: [{ q: s(['1', 'one']) }], row: [1, 'q', 'one'] },
  { rule: 'required', props: [int('q', { required: true })], batches: [{ q: i64([1, null]) }], row: [1, 'q', ''] },
  { rule: 'unique', props: [int('id', { unique: true })], batches: [{ id: i64([1, 2]) }, { id: i64([2]) }], row: [2, 'id', '2'] },
  {
    rule: 'primaryKey',
    props: [int('a', { primaryKey: true, primaryKeyPosition: 1 }), str('b', { primaryKey: true, primaryKeyPosition: 2 })],
    batches: [{ a: i64([1, 1]), b: s(['x', 'y']) }, { a: i64([1]), b: s(['y']) }],
    row: [2, 'a,b', '(1, y)'],
  },
  { rule: 'validValues', props: [str('u', { quality: [{ rule: 'validValues', validValues: ['kg'] }] })], batches: [{ u: s(['kg', 'lb']) }], row: [1, 'u', 'lb'] },
  {
    rule: 'invalidValues',
    props: [str('u', { quality: [{ rule: 'invalidValues', mustBe: 0, arguments: { pattern: '^\\d+$' } }] })],
    batches: [{ u: s(['12', '1a']) }],
    row: [1, 'u', '1a'],
  },
  { rule: 'nullValues', props: [str('u', { quality: [{ rule: 'nullValues', mustBe: 0 }] })], batches: [{ u: s(['a', null]) }], row: [1, 'u', ''] },
  {
    rule: 'missingValues',
    props: [str('u', { quality: [{ rule: 'missingValues', mustBe: 0, arguments: { missingValues: ['N/A'] } }] })],
    batches: [{ u: s(['a', 'N/A']) }],
    row: [1, 'u', 'N/A'],
  },
  { rule: 'duplicateCount', props: [str('u', { quality: [{ rule: 'duplicateCount', mustBe: 0 }] })], batches: [{ u: s(['a']) }, { u: s(['a']) }], row: [1, 'u', 'a'] },
  {
    rule: 'duplicateValues',
    props: [int('a'), int('b')],
    quality: [{ rule: 'duplicateValues', mustBe: 0, arguments: { properties: ['a', 'b'] } }],
    batches: [{ a: i64([1, 1, 1]), b: i64([1, 2, 1]) }],
    row: [2, 'a,b', '(1, 1)'],
  },
  { rule: 'rowCount', props: [int('a')], quality: [{ rule: 'rowCount', mustBeGreaterOrEqualTo: 3 }], batches: [{ a: i64([1]) }, { a: i64([2]) }], count: ['', 2] },
  { rule: 'nullValues', props: [str('u', { quality: [{ rule: 'nullValues', mustBeLessThan: 10, unit: 'percent' }] })], batches: [{ u: s(['a', null, 'b', 'c']) }], count: ['u', 25] },
  {
    rule: 'missingValues',
    props: [str('u', { quality: [{ rule: 'missingValues', mustBeLessThan: 2, arguments: { missingValues: [''] } }] })],
    batches: [{ u: s(['', 'a']) }, { u: s(['']) }],
    count: ['u', 2],
  },
  {
    rule: 'invalidValues',
    props: [str('u', { quality: [{ rule: 'invalidValues', mustBeLessOrEqualTo: 1, arguments: { validValues: ['a'] } }] })],
    batches: [{ u: s(['b', 'a', 'c']) }],
    count: ['u', 2],
  },
  { rule: 'duplicateCount', props: [str('u', { quality: [{ rule: 'duplicateCount', mustBeLessThan: 1, unit: 'percent' }] })], batches: [{ u: s(['a', 'b', 'a']) }], count: ['u', 100 / 3] },
  {
    rule: 'duplicateValues',
    props: [int('a'), int('b')],
    quality: [{ rule: 'duplicateValues', mustBeLessThan: 1, unit: 'percent', arguments: { properties: ['b', 'a'] } }],
    batches: [{ a: i64([1, 2, 1]), b: i64([1, 1, 1]) }],
    count: ['b,a', 100 / 3],
  },
];

function run(c: Case, mode: 'strict' | 'warn') {
  const o = objectOf(c.props, c.quality);
  const rules = new StreamRules(o, { stream: 't', mode });
  const failures: [string, number, string, string][] = [];
  let rowOffset = 0;
  for (const cols of c.batches) {
    const b = new arrow.RecordBatch(cols);
    const v = validateBatch(b, o, { mode, stream: 't', rowOffset, rules });
    for (const f of v.failures) failures.push([f.rule, f.row, f.field, f.value]);
    rowOffset += b.numRows;
  }
  return { failures, results: rules.finish() };
}

describe.each(cases)('$rule ($props.0.name)', (c) => {
  it('warn: kept and reported', () => {
    const { failures, results } = run(c, 'warn');
    if (c.row) expect(failures).toEqual([[c.rule, ...c.row]]);
    else {
      expect(failures).toEqual([]);
      expect(results).toMatchObject([{ rule: c.rule, field: c.count![0], status: 'failed' }]);
      expect(results[0]!.actual).toBeCloseTo(c.count![1], 9);
    }
  });

  it('strict: fails naming the rule', () => {
    let err: unknown;
    try {
      run(c, 'strict');
    } catch (e) {
      err = e;
    }
    if (c.row) {
      expect(err).toBeInstanceOf(DataValidationError);
      expect((err as DataValidationError).details).toMatchObject({ rule: c.rule, row: c.row[0], field: c.row[1] });
    } else {
      expect(err).toBeInstanceOf(DataQualityError);
      expect((err as DataQualityError).details).toMatchObject({ stream: 't', rule: c.rule, field: c.count![0] });
    }
  });
});

describe('rules not enforced', () => {
  it('one line names each, for the one-time warning', () => {
    const o = objectOf([str('u', { quality: [{ type: 'sql', query: 'SELECT 1', mustBe: 1 }] })], [{ rule: 'countCheck' }]);
    expect(describeNotEnforced('orders', o.rules.notEnforced)).toBe(
      'stream "orders": 2 data quality rules of the contract not enforced: ' +
        'field "u": sql (unnamed): quality rules of type "sql" are not run by the host; ' +
        'object: library countCheck: not a library rule the host knows (it knows rowCount, nullValues, ' +
        'missingValues, invalidValues, validValues, duplicateCount, duplicateValues)',
    );
  });
});
