import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { castColumn } from './cast.js';
import { utf8Column } from './columns.js';
import { DataValidationError } from './errors.js';
import { contractObjectFor, parseContract } from './load-contract.js';
import { validateBatch } from './validate-batch.js';

const cast = (values: (string | null)[], target: arrow.DataType) => {
  const r = castColumn(utf8Column(values), target, false)!;
  const v = arrow.makeVector(r.data);
  return { values: Array.from({ length: values.length }, (_, i) => v.get(i) as unknown), bad: r.badRows, text: r.badRows.map(r.badText) };
};

describe('text -> Int64 / Int32 / Float64 / Bool', () => {
  it('Int64: signs, exact beyond 2^53, range, garbage', () => {
    const r = cast(['0', '-12', '+7', '9007199254740993', '-9223372036854775808', '9223372036854775808', '1.0', '', ' 1', '12a', '-', null], new arrow.Int64());
    expect(r.values.slice(0, 5)).toEqual([0n, -12n, 7n, 9007199254740993n, -9223372036854775808n]);
    expect(r.bad).toEqual([5, 6, 7, 8, 9, 10]);
    expect(r.text).toEqual(['9223372036854775808', '1.0', '', ' 1', '12a', '-']);
    expect(r.values[11]).toBeNull();
  });

  it('Int32: the 32-bit range', () => {
    const r = cast(['2147483647', '-2147483648', '2147483648', '99999999999999999999'], new arrow.Int32());
    expect(r.values.slice(0, 2)).toEqual([2147483647, -2147483648]);
    expect(r.bad).toEqual([2, 3]);
  });

  it('Float64: decimal and exponent forms, NaN and Infinity; nothing else', () => {
    const r = cast(['1.5', '-.5', '3.', '1e3', '-2.5E-2', 'NaN', '-Infinity', 'inf', '1,5', '0x10', 'e3'], new arrow.Float64());
    expect(r.values.slice(0, 7)).toEqual([1.5, -0.5, 3, 1000, -0.025, NaN, -Infinity]);
    expect(r.text).toEqual(['inf', '1,5', '0x10', 'e3']);
  });

  it('Float64: the bytes fast path gives exactly Number(text), for 100,000 random decimals', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const texts = Array.from({ length: 100_000 }, () => {
      const digits = Array.from({ length: 1 + rnd(18) }, () => String(rnd(10))).join('');
      const dot = rnd(digits.length + 2) - 1; // -1: no dot
      const body = dot < 0 ? digits : `${digits.slice(0, dot)}.${digits.slice(dot)}`;
      return `${['', '-', '+'][rnd(3)]}${body === '.' ? '0.' : body}`;
    });
    texts.push('-0.0', '0.1', '0.3', '9007199254740993', '123456789012345.6', '1.7976931348623157', '.000000000000001');
    const r = cast(texts, new arrow.Float64());
    expect(r.bad).toEqual([]);
    const wrong = texts.filter((t, i) => !Object.is(r.values[i], Number(t)));
    expect(wrong).toEqual([]);
  });

  it('Bool: true / false in any case', () => {
    const r = cast(['true', 'FALSE', 'True', 'yes', '1', null], new arrow.Bool());
    expect(r.values).toEqual([true, false, true, null, null, null]);
    expect(r.text).toEqual(['yes', '1']);
  });
});

describe('a reader that sends a column as text: unparsable values fail their rows with rule "type"', () => {
  const o = contractObjectFor(
    parseContract(
      'apiVersion: v3.0.2\nkind: DataContract\nid: t\nversion: 1.0.0\nstatus: active\nschema:\n  - name: t\n    properties:\n      - { name: q, logicalType: integer, logicalTypeOptions: { minimum: 1 } }\n',
      't.odcs.yaml',
    ),
    't',
  );
  const b = new arrow.RecordBatch({ q: utf8Column(['3', 'three', '0', null]) });

  it('warn: the row is kept (value null), failures name rule, field and the text', () => {
    const r = validateBatch(b, o, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect([...r.failures].map((f) => [f.row, f.rule, f.field, f.value])).toEqual([
      [1, 'type', 'q', 'three'],
      [2, 'minimum', 'q', '0'],
    ]);
    expect(r.batch.getChild('q')!.toArray()).toEqual(new BigInt64Array([3n, 0n, 0n, 0n]));
    expect(r.batch.getChild('q')!.get(1)).toBeNull();
  });

  it('strict: fails with row, field, rule and value', () => {
    let err: unknown;
    try {
      validateBatch(b, o, { mode: 'strict', stream: 't', rowOffset: 5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataValidationError);
    expect((err as DataValidationError).details).toMatchObject({ row: 6, field: 'q', rule: 'type', kind: 'type-mismatch', actual: 'Utf8 "three"' });
  });
});
