import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { utf8Column } from '../columns.js';
import { DataValidationError } from '../errors.js';
import { contractObjectFor, parseContract } from '../load-contract.js';
import type { ContractObject } from '../model.js';
import { validateBatch } from '../validate-batch.js';

/** A contract with one object "t" of the given properties (JSON is YAML). */
const objectOf = (properties: unknown[], quality?: unknown[]): ContractObject =>
  contractObjectFor(
    parseContract(
      `apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties: ${JSON.stringify(properties)}\n${quality ? `    quality: ${JSON.stringify(quality)}\n` : ''}`,
      't.odcs.yaml',
    ),
    't',
  );

const col = (values: unknown[], type: arrow.DataType): arrow.Data =>
  arrow.vectorFromArray(values as never[], type as never).data[0]!;
const batchOf = (cols: Record<string, arrow.Data>): arrow.RecordBatch =>
  new arrow.RecordBatch(cols);

/** warn: [row, rule, field, value] of each failing row. */
const warnFailures = (
  o: ContractObject,
  b: arrow.RecordBatch,
  rowOffset = 0,
): [number, string, string, string][] =>
  [...validateBatch(b, o, { mode: 'warn', stream: 't', rowOffset }).failures].map((f) => [
    f.row,
    f.rule,
    f.field,
    f.value,
  ]);

const strictError = (o: ContractObject, b: arrow.RecordBatch): DataValidationError => {
  try {
    validateBatch(b, o, { mode: 'strict', stream: 't', rowOffset: 10 });
  } catch (e) {
    expect(e).toBeInstanceOf(DataValidationError);
    return e as DataValidationError;
  }
  throw new Error('expected DataValidationError');
};

const int = (name: string, opts: Record<string, unknown>, physicalType = 'bigint') => ({
  name,
  logicalType: 'integer',
  physicalType,
  logicalTypeOptions: opts,
});

describe('logicalTypeOptions: numbers', () => {
  it('minimum / maximum on Int64: strict names row, field, rule and value; warn lists the rows', () => {
    const o = objectOf([int('q', { minimum: 1, maximum: 10 })]);
    const b = batchOf({ q: col([1n, 0n, 10n, 11n, null], new arrow.Int64()) });
    expect(warnFailures(o, b)).toEqual([
      [1, 'minimum', 'q', '0'],
      [3, 'maximum', 'q', '11'],
    ]);
    const e = strictError(o, b);
    expect(e.details).toMatchObject({
      row: 11,
      field: 'q',
      rule: 'minimum',
      kind: 'rule-violation',
      actual: 'Int64 0',
      expected: '>= 1',
      totalIssues: 2,
    });
    expect(e.message).toContain(
      'stream "t" row 11, field "q": rule minimum (>= 1) failed, got Int64 0',
    );
  });

  it('exclusiveMinimum / exclusiveMaximum (ODCS booleans) make the bounds strict', () => {
    const o = objectOf([
      int('q', { minimum: 0, exclusiveMinimum: true, maximum: 5, exclusiveMaximum: true }, 'int'),
    ]);
    const b = batchOf({ q: col([0, 1, 4, 5], new arrow.Int32()) });
    expect(warnFailures(o, b)).toEqual([
      [0, 'exclusiveMinimum', 'q', '0'],
      [3, 'exclusiveMaximum', 'q', '5'],
    ]);
    expect(strictError(o, b).details).toMatchObject({ rule: 'exclusiveMinimum', expected: '> 0' });
  });

  it('exclusive bounds on Int64 values', () => {
    const o = objectOf([int('q', { minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: true })]);
    const b = batchOf({ q: col([0n, 1n, 8n, 9n], new arrow.Int64()) });
    expect(warnFailures(o, b)).toEqual([
      [0, 'exclusiveMinimum', 'q', '0'],
      [3, 'exclusiveMaximum', 'q', '9'],
    ]);
  });

  it('Int64 beyond 2^53 is compared exactly', () => {
    const o = objectOf([int('q', { maximum: 9007199254740993 })]);
    // 9007199254740993 is not a double: the bound is 2^53 (the nearest double); so 2^53 + 1 fails.
    const b = batchOf({
      q: col([9007199254740992n, 9007199254740993n, -9223372036854775808n], new arrow.Int64()),
    });
    expect(warnFailures(o, b)).toEqual([[1, 'maximum', 'q', '9007199254740993']]);
    const lo = objectOf([int('q', { minimum: -5 })]);
    expect(warnFailures(lo, b)).toEqual([[2, 'minimum', 'q', '-9223372036854775808']]);
  });

  it('number: minimum on Float64, NaN fails, multipleOf', () => {
    const o = objectOf([
      { name: 'p', logicalType: 'number', logicalTypeOptions: { minimum: 0, multipleOf: 0.5 } },
    ]);
    const b = batchOf({ p: col([0, -0.01, 2.5, NaN, 1.25, null], new arrow.Float64()) });
    expect(warnFailures(o, b)).toEqual([
      [1, 'minimum', 'p', '-0.01'],
      [3, 'minimum', 'p', 'NaN'],
      [4, 'multipleOf', 'p', '1.25'],
    ]);
    expect(strictError(o, b).details).toMatchObject({ row: 11, rule: 'minimum' });
  });

  it('integer format is a range: i8, u16, u32 (Int64), u64 >= 0; i64 constrains nothing more', () => {
    const fmt = (format: string, values: bigint[] | number[], type: arrow.DataType) =>
      warnFailures(objectOf([{ name: 'q', logicalType: 'integer', logicalTypeOptions: { format } }]), batchOf({ q: col(values, type) }));
    expect(fmt('i8', [-128, 127, -129, 128], new arrow.Int32())).toEqual([
      [2, 'format', 'q', '-129'],
      [3, 'format', 'q', '128'],
    ]);
    expect(fmt('u16', [0, 65535, -1, 65536], new arrow.Int32())).toEqual([
      [2, 'format', 'q', '-1'],
      [3, 'format', 'q', '65536'],
    ]);
    expect(fmt('u32', [4294967295n, 4294967296n], new arrow.Int64())).toEqual([[1, 'format', 'q', '4294967296']]);
    expect(fmt('u64', [0n, -1n, -(2n ** 62n)], new arrow.Int64())).toEqual([
      [1, 'format', 'q', '-1'],
      [2, 'format', 'q', '-4611686018427387904'],
    ]);
    expect(fmt('i64', [-(2n ** 63n)], new arrow.Int64())).toEqual([]);
    const e = strictError(objectOf([{ name: 'q', logicalType: 'integer', logicalTypeOptions: { format: 'u8' } }]), batchOf({ q: col([256], new arrow.Int32()) }));
    expect(e.details).toMatchObject({ rule: 'format', expected: 'u8 (0 to 255)', actual: 'Int32 256' });
  });

  it('integer values cast from Int32 are checked after the cast', () => {
    const o = objectOf([int('q', { minimum: 1 })]);
    expect(warnFailures(o, batchOf({ q: col([5, -1], new arrow.Int32()) }))).toEqual([
      [1, 'minimum', 'q', '-1'],
    ]);
  });
});

describe('logicalTypeOptions: dates and timestamps', () => {
  it('date minimum / maximum are ISO dates', () => {
    const o = objectOf([
      {
        name: 'd',
        logicalType: 'date',
        logicalTypeOptions: {
          minimum: '2024-01-01',
          maximum: '2024-12-31',
          exclusiveMaximum: true,
        },
      },
    ]);
    const b = batchOf({ d: utf8Column(['2024-01-01', '2023-12-31', '2024-12-31', '2024-06-01']) });
    expect(warnFailures(o, b)).toEqual([
      [1, 'minimum', 'd', '2023-12-31'],
      [2, 'exclusiveMaximum', 'd', '2024-12-31'],
    ]);
    expect(strictError(o, b).details).toMatchObject({
      rule: 'minimum',
      field: 'd',
      actual: 'Date32 2023-12-31',
    });
  });

  it('timestamp bounds to the microsecond', () => {
    const o = objectOf([
      {
        name: 'at',
        logicalType: 'date',
        physicalType: 'timestamp',
        logicalTypeOptions: { minimum: '2024-01-01T00:00:00Z' },
      },
    ]);
    const b = batchOf({
      at: utf8Column(['2024-01-01T00:00:00Z', '2023-12-31T23:59:59.999999Z', '2024-01-01']),
    });
    expect(warnFailures(o, b)).toEqual([[1, 'minimum', 'at', '2023-12-31T23:59:59.999999Z']]);
  });
});

describe('logicalTypeOptions: strings', () => {
  it('minLength / maxLength count code points, not bytes', () => {
    const o = objectOf([
      { name: 's', logicalType: 'string', logicalTypeOptions: { minLength: 2, maxLength: 3 } },
    ]);
    const b = batchOf({ s: utf8Column(['ab', 'a', 'ééé', 'abcd', '😀😀😀', '😀', null]) });
    expect(warnFailures(o, b)).toEqual([
      [1, 'minLength', 's', 'a'],
      [3, 'maxLength', 's', 'abcd'],
      [5, 'minLength', 's', '😀'],
    ]);
    expect(strictError(o, b).details).toMatchObject({
      rule: 'minLength',
      expected: 'at least 2 characters',
    });
  });

  it('pattern is searched (JSON Schema), so anchors decide', () => {
    const o = objectOf([
      { name: 'a', logicalType: 'string', logicalTypeOptions: { pattern: '^[A-Z]{2}-\\d+$' } },
      { name: 'b', logicalType: 'string', logicalTypeOptions: { pattern: '\\d' } },
    ]);
    const b = batchOf({
      a: utf8Column(['AB-1', 'AB-1', 'ab-1', 'ABC-1']),
      b: utf8Column(['x1', 'x1y', 'none', '2']),
    });
    expect(warnFailures(o, b)).toEqual([
      [2, 'pattern', 'a', 'ab-1'],
      [3, 'pattern', 'a', 'ABC-1'],
    ]);
    const only = objectOf([
      { name: 'b', logicalType: 'string', logicalTypeOptions: { pattern: '\\d' } },
    ]);
    expect(warnFailures(only, batchOf({ b: utf8Column(['x1', 'none']) }))).toEqual([
      [1, 'pattern', 'b', 'none'],
    ]);
    expect(strictError(o, b).details).toMatchObject({
      rule: 'pattern',
      field: 'a',
      actual: 'Utf8 "ab-1"',
    });
  });

  it.each([
    ['email', 'ann@example.com', 'ann@@example'],
    ['uuid', '5b7c1f0e-3d2a-4c8e-9f61-0a2d4e6b8c10', '5b7c1f0e-3d2a-4c8e-9f61'],
    ['uri', 'https://example.com/a?b=c', 'example.com/no-scheme'],
    ['hostname', 'db-1.example.com', 'under_score.example.com'],
    ['ipv4', '192.168.0.1', '192.168.0.256'],
    ['ipv6', '2001:db8::1', '2001:db8:::1'],
    ['byte', 'aGVsbG8=', 'not base64!'],
    ['date', '2024-02-29', '2023-02-29'],
  ])('format %s', (format, good, bad) => {
    const o = objectOf([{ name: 's', logicalType: 'string', logicalTypeOptions: { format } }]);
    const b = batchOf({ s: utf8Column([good, bad, null]) });
    expect(warnFailures(o, b)).toEqual([[1, 'format', 's', bad]]);
    expect(strictError(o, b).details).toMatchObject({
      rule: 'format',
      expected: `format ${format}`,
    });
  });

  it('password and binary constrain nothing; an unknown format is reported as not enforced', () => {
    expect(
      objectOf([{ name: 's', logicalType: 'string', logicalTypeOptions: { format: 'password' } }])
        .rules.checks.size,
    ).toBe(0);
    const o = objectOf([
      { name: 's', logicalType: 'string', logicalTypeOptions: { format: 'iban' } },
    ]);
    expect(o.rules.checks.size).toBe(0);
    expect(o.rules.notEnforced).toEqual([
      {
        field: 's',
        type: 'logicalTypeOptions',
        rule: 'format: iban',
        reason: 'no check is known for string format "iban"',
      },
    ]);
  });

  it('array minItems / maxItems / uniqueItems on the JSON text', () => {
    const o = objectOf([{ name: 'tags', logicalType: 'array', logicalTypeOptions: { minItems: 1, maxItems: 2, uniqueItems: true } }]);
    const b = batchOf({ tags: utf8Column(['["a"]', '[]', '["a","b","c"]', '["a","a"]', '{"a":1}', 'not json', null]) });
    expect(warnFailures(o, b)).toEqual([
      [1, 'minItems', 'tags', '[]'],
      [2, 'maxItems', 'tags', '["a","b","c"]'],
      [3, 'uniqueItems', 'tags', '["a","a"]'],
      [4, 'minItems', 'tags', '{"a":1}'],
      [5, 'minItems', 'tags', 'not json'],
    ]);
    expect(strictError(o, b).details).toMatchObject({ rule: 'minItems', expected: 'at least 1 items', row: 11 });
  });

  it('object minProperties / maxProperties / required on the JSON text', () => {
    const o = objectOf([{ name: 'm', logicalType: 'object', logicalTypeOptions: { required: ['id'], maxProperties: 2 } }]);
    const b = batchOf({ m: utf8Column(['{"id":1}', '{"x":1}', '{"id":1,"a":2,"b":3}', '[1]']) });
    expect(warnFailures(o, b)).toEqual([
      [1, 'required', 'm', '{"x":1}'],
      [2, 'maxProperties', 'm', '{"id":1,"a":2,"b":3}'],
      [3, 'required', 'm', '[1]'],
    ]);
    const min = objectOf([{ name: 'm', logicalType: 'object', logicalTypeOptions: { minProperties: 1 } }]);
    expect(warnFailures(min, batchOf({ m: utf8Column(['{}', '{"a":null}']) }))).toEqual([[0, 'minProperties', 'm', '{}']]);
    expect(strictError(o, b).details).toMatchObject({ rule: 'required', expected: 'has "id"' });
  });

});

describe('rules and the fast path', () => {
  it('a field without rules has no checks; rules never change sameLayout', () => {
    const o = objectOf([int('q', { minimum: 1 }), { name: 's', logicalType: 'string' }]);
    expect([...o.rules.checks.keys()]).toEqual(['q']);
    const r = validateBatch(
      batchOf({ q: col([0n, 2n], new arrow.Int64()), s: utf8Column(['a', 'b']) }),
      o,
      { mode: 'warn', stream: 't', rowOffset: 0 },
    );
    expect(r.sameLayout).toBe(true);
    expect(r.invalidRows).toBe(1);
    expect(r.issues.map((i) => i.rule)).toEqual(['minimum']);
    const plain = objectOf([{ name: 'q', logicalType: 'integer' }]);
    expect(plain.rules.checks.size + plain.rules.keys.length + plain.rules.counts.length).toBe(0);
  });

  it('a row failing the type rule reports "type" with the source text, not a later rule', () => {
    const o = objectOf([
      {
        name: 'at',
        logicalType: 'date',
        physicalType: 'timestamp',
        required: true,
        logicalTypeOptions: { minimum: '2024-01-01T00:00:00Z' },
      },
    ]);
    const b = batchOf({
      at: utf8Column(['yesterday', '2020-01-01T00:00:00Z', null, '2025-01-01T00:00:00Z']),
    });
    expect(warnFailures(o, b, 100)).toEqual([
      [100, 'type', 'at', 'yesterday'],
      [101, 'minimum', 'at', '2020-01-01T00:00:00Z'],
      [102, 'required', 'at', ''],
    ]);
    expect(strictError(o, b).details).toMatchObject({
      kind: 'type-mismatch',
      rule: 'type',
      row: 10,
    });
  });

  it('a missing required column fails every row with rule "required"', () => {
    const o = objectOf([
      { name: 'id', logicalType: 'integer', required: true },
      { name: 's', logicalType: 'string' },
    ]);
    const r = validateBatch(batchOf({ s: utf8Column(['a', 'b']) }), o, {
      mode: 'warn',
      stream: 't',
      rowOffset: 0,
    });
    expect([...r.failures].map((f) => [f.row, f.rule, f.field])).toEqual([
      [0, 'required', 'id'],
      [1, 'required', 'id'],
    ]);
    expect(r.issues).toMatchObject([{ kind: 'missing-field', rule: 'required', field: 'id' }]);
    const t = validateBatch(batchOf({ id: col([1.5, 2], new arrow.Float64()) }), o, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect(t.issues).toMatchObject([{ kind: 'type-mismatch', rule: 'type', field: 'id', actual: 'Float64' }]);
    expect([...t.failures].map((f) => f.rule)).toEqual(['type', 'type']);
  });
});

describe('malformed rules refuse the contract', () => {
  it.each([
    [
      [{ name: 's', logicalType: 'string', logicalTypeOptions: { pattern: '([a-z' } }],
      /schema\/0\/properties\/0\/logicalTypeOptions\/pattern: pattern "\(\[a-z" is not a valid regular expression/,
    ],
    [
      [{ name: 'd', logicalType: 'date', logicalTypeOptions: { minimum: 'last tuesday' } }],
      /logicalTypeOptions\/minimum: "last tuesday" is not an ISO-8601 date/,
    ],
  ])('%j', (props, message) => {
    expect(() => objectOf(props)).toThrow(message);
  });
});
