import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { castColumn } from './cast.js';
import { utf8Column } from './columns.js';
import { decimalText, decimalWords, parseDecimal, readDecimal, writeDecimal } from './decimal.js';
import { DataValidationError } from './errors.js';
import { contractObjectFor, parseContract } from './load-contract.js';
import { StreamRules } from './rules/stream-rules.js';
import { jsonLinesToBatch } from './json-lines.js';
import { validateBatch } from './validate-batch.js';

const CONTRACT = `
apiVersion: v3.0.2
kind: DataContract
id: dec
version: "1"
status: draft
schema:
  - name: t
    properties:
      - { name: amount, logicalType: number, physicalType: 'numeric(20,2)', required: true, logicalTypeOptions: { minimum: -0.05, exclusiveMaximum: true, maximum: 12345678901234568 } }
      - { name: raw, logicalType: string, physicalType: bytea }
`;
const object = contractObjectFor(parseContract(CONTRACT, 'dec.yaml'), 't');

/** A Decimal128 column from unscaled values (null: NULL). */
function dec(values: (bigint | null)[], precision: number, scale: number): arrow.Data {
  const n = values.length;
  const words = new Uint32Array(n * 4);
  const w = decimalWords(words);
  const nullBitmap = new Uint8Array(8);
  values.forEach((v, i) => {
    if (v === null) return;
    writeDecimal(w, i, v);
    nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  const type = new arrow.Decimal(scale, precision, 128);
  return arrow.makeData({ type, length: n, nullCount: values.filter((v) => v === null).length, nullBitmap, data: words });
}
const bin = (values: (number[] | null)[]) => arrow.vectorFromArray(values.map((v) => (v ? Uint8Array.from(v) : null)), new arrow.Binary()).data[0]!;
const unscaled = (d: arrow.Data): (bigint | null)[] => {
  const w = decimalWords(d.values as Uint32Array);
  return Array.from({ length: d.length }, (_, i) => (d.getValid(i) ? readDecimal(w, i) : null));
};
const batch = (amount: arrow.Data, raw?: arrow.Data) => new arrow.RecordBatch({ amount, raw: raw ?? bin(Array.from({ length: amount.length }, () => [1])) });

describe('decimal text', () => {
  it('parses exactly at a scale and refuses what would need rounding', () => {
    expect(parseDecimal('12345678901234567.89', 2)).toBe(1234567890123456789n);
    expect(parseDecimal('-0.05', 2)).toBe(-5n);
    expect(parseDecimal('+3', 2)).toBe(300n);
    expect(parseDecimal('.25', 2)).toBe(25n);
    expect(parseDecimal('1.5e3', 0)).toBe(1500n);
    expect(parseDecimal('1.2300', 2)).toBe(123n);
    expect(parseDecimal('1.005', 2)).toBeUndefined();
    expect(parseDecimal('1e-7', 2)).toBeUndefined();
    for (const bad of ['', '.', 'abc', '1.2.3', '12,5', 'NaN', '1e']) expect(parseDecimal(bad, 2), bad).toBeUndefined();
    expect(decimalText(1234567890123456789n, 2)).toBe('12345678901234567.89');
    expect(decimalText(-5n, 2)).toBe('-0.05');
    expect(decimalText(7n, 0)).toBe('7');
  });

  it('round-trips 128-bit words, negative and beyond 2^64', () => {
    const w = decimalWords(new Uint32Array(12));
    const vs = [-(10n ** 38n - 1n), 2n ** 64n + 5n, -1n];
    vs.forEach((v, i) => writeDecimal(w, i, v));
    expect(vs.map((_, i) => readDecimal(w, i))).toEqual(vs);
  });
});

describe('casts to Decimal128 and Binary', () => {
  const t = new arrow.Decimal(2, 20, 128);
  it('casts text, integers, other decimals and short doubles exactly; the rest are bad rows', () => {
    const text = castColumn(utf8Column(['12345678901234567.89', '-0.05', '1.005', 'x', null, '1e30']), t, false)!;
    expect(unscaled(text.data)).toEqual([1234567890123456789n, -5n, null, null, null, null]);
    expect(text.badRows).toEqual([2, 3, 5]);
    const ints = castColumn(arrow.vectorFromArray([7n, -2n], new arrow.Int64()).data[0]!, t, false)!;
    expect(unscaled(ints.data)).toEqual([700n, -200n]);
    const other = castColumn(dec([125n, 1n], 10, 3), t, false)!;
    expect(unscaled(other.data)).toEqual([null, null]);
    expect(other.badRows).toEqual([0, 1]);
    expect(unscaled(castColumn(dec([1250n, -10n], 10, 3), t, false)!.data)).toEqual([125n, -1n]);
    // 0.1 + 0.2 is 0.30000000000000004: 17 significant digits, not a decimal it was read from.
    const doubles = castColumn(arrow.vectorFromArray([12.34, 0.1 + 0.2, 2 ** 40], new arrow.Float64()).data[0]!, t, false)!;
    expect(unscaled(doubles.data)).toEqual([1234n, null, 2n ** 40n * 100n]);
    expect(doubles.badRows).toEqual([1]);
  });

  it('gives a Decimal128 to a string field as its exact text, to a double field when <= 15 digits', () => {
    const d = dec([1234567890123456789n, -5n, null], 20, 2);
    const text = castColumn(d, new arrow.Utf8(), false)!;
    expect(arrow.makeVector(text.data).toArray()).toEqual(['12345678901234567.89', '-0.05', null]);
    const doubles = castColumn(d, new arrow.Float64(), false)!;
    expect([...arrow.makeVector(doubles.data).toArray()].slice(1, 2)).toEqual([-0.05]);
    expect(doubles.badRows).toEqual([0]);
  });

  it('refuses text for Binary, takes LargeBinary', () => {
    expect(castColumn(utf8Column(['\\x00']), new arrow.Binary(), false)).toBeUndefined();
    const large = arrow.vectorFromArray([Uint8Array.from([0, 255]), null], new arrow.LargeBinary()).data[0]!;
    const r = castColumn(large, new arrow.Binary(), false)!;
    expect(arrow.makeVector(r.data).toArray().map((v) => (v ? [...(v as Uint8Array)] : v))).toEqual([[0, 255], null]);
  });
});

describe('validateBatch with Decimal128 and Binary fields', () => {
  it('passes Decimal128 and Binary as they are (same layout), digit for digit', () => {
    const amount = dec([1234567890123456789n, -5n], 20, 2);
    const r = validateBatch(batch(amount, bin([[0, 1, 255], null])), object, { mode: 'strict', stream: 't', rowOffset: 0 });
    expect(r.sameLayout).toBe(true);
    expect(unscaled(r.batch.getChild('amount')!.data[0]!)).toEqual([1234567890123456789n, -5n]);
    expect(String(r.batch.schema.fields[1]!.type)).toBe('Binary');
  });

  it('checks minimum and maximum exactly: 12345678901234567.99 is below 12345678901234568, .00 is not', () => {
    // Through Float64 both would be 12345678901234568 and the first would fail exclusiveMaximum.
    const amount = dec([1234567890123456799n, 1234567890123456800n, -5n, -6n], 20, 2);
    const r = validateBatch(batch(amount), object, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect(r.issues.map((i) => [i.row, i.rule, i.actual])).toEqual([
      [3, 'minimum', 'Decimal128(20, 2) -0.06'],
      [1, 'exclusiveMaximum', 'Decimal128(20, 2) 12345678901234568.00'],
    ]);
  });

  it('a null in a required decimal, a wrong precision and a text Binary column are violations', () => {
    expect(() => validateBatch(batch(dec([null], 20, 2)), object, { mode: 'strict', stream: 't', rowOffset: 0 })).toThrow(DataValidationError);
    const r = validateBatch(new arrow.RecordBatch({ amount: dec([1n], 20, 2), raw: utf8Column(['\\x01']) }), object, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect(r.issues[0]).toMatchObject({ kind: 'type-mismatch', field: 'raw', expected: 'Binary', actual: 'Utf8' });
    const wide = validateBatch(batch(dec([10n ** 25n], 30, 2)), object, { mode: 'warn', stream: 't', rowOffset: 0 });
    expect(wide.issues[0]).toMatchObject({ kind: 'type-mismatch', field: 'amount', rule: 'type' });
  });

  it('reports the rules it does not run on these columns instead of running them wrong', () => {
    const c = parseContract(
      CONTRACT.replace("physicalType: bytea }", "physicalType: bytea, logicalTypeOptions: { maxLength: 3 } }").replace(
        'required: true,',
        "required: true, unique: true, quality: [{ rule: validValues, validValues: [1] }],",
      ),
      'dec.yaml',
    );
    const o = contractObjectFor(c, 't');
    expect(o.rules.notEnforced.map((n) => [n.field, n.rule])).toEqual([
      ['amount', 'validValues'],
      ['raw', 'maxLength'],
    ]);
    // unique runs on decimal keys (all four words): the repeated 1.00 fails, -1.00 and 1.01 do not.
    const rules = new StreamRules(o, { stream: 't', mode: 'warn' });
    const r = validateBatch(batch(dec([100n, 100n, -100n, 101n], 20, 2)), o, { mode: 'warn', stream: 't', rowOffset: 0, rules });
    expect(r.issues.filter((i) => i.rule === 'unique').map((i) => i.row)).toEqual([1]);
  });
});

describe('JSON Lines into Decimal128 and Binary', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('reads decimal text exactly, short numbers, and base64 bytes', () => {
    const b = jsonLinesToBatch(enc('{"amount":"12345678901234567.89","raw":"AAH/"}\n{"amount":-0.05,"raw":null}\n'), object);
    expect(unscaled(b.getChild('amount')!.data[0]!)).toEqual([1234567890123456789n, -5n]);
    expect(b.getChild('raw')!.toArray().map((v: Uint8Array | null) => (v ? [...v] : v))).toEqual([[0, 1, 255], null]);
  });

  it('refuses a long JSON number (already rounded by JSON.parse), inexact text and non-base64', () => {
    expect(() => jsonLinesToBatch(enc('{"amount":12345678901234567.89}\n'), object)).toThrow(/at most 15 significant digits/);
    expect(() => jsonLinesToBatch(enc('{"amount":"1.005"}\n'), object)).toThrow(/exact at scale 2/);
    expect(() => jsonLinesToBatch(enc('{"amount":"1","raw":"not base64!"}\n'), object)).toThrow(/base64/);
  });
});
