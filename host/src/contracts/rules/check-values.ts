/**
 * Set membership rules (validValues / invalidValues, missingValues) and the null rule (nullValues),
 * for a column in its contract type. Contract values are turned into the column's own value once
 * (dates to days, timestamps to microseconds), so each row is one Set lookup.
 */
import * as arrow from 'apache-arrow';
import { utf8Column } from '../columns.js';
import { parseIsoDate, parseIsoTimestamp, parseIsoTimestampBig } from '../iso-time.js';
import { stringScan } from './check-string.js';
import { StringMemo } from './string-memo.js';
import type { RowCheck } from './model.js';
import { reader, validity, type Value } from './values.js';

/** A contract value as a value of a column of `type`, or undefined when it cannot be one. */
export function valueFor(type: arrow.DataType, v: unknown): Value | undefined {
  if (arrow.DataType.isUtf8(type)) return typeof v === 'string' ? v : undefined;
  if (arrow.DataType.isBool(type)) return typeof v === 'boolean' ? v : undefined;
  if (arrow.DataType.isDate(type) || arrow.DataType.isTimestamp(type)) {
    if (typeof v !== 'string') return undefined;
    const bytes = utf8Column([v]).values;
    if (arrow.DataType.isDate(type)) {
      const d = parseIsoDate(bytes, 0, bytes.length);
      return Number.isNaN(d) ? undefined : d;
    }
    const us = parseIsoTimestamp(bytes, 0, bytes.length);
    return Number.isNaN(us) ? parseIsoTimestampBig(bytes, 0, bytes.length) : us;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  if (arrow.DataType.isInt(type)) return Number.isInteger(v) ? v : undefined;
  return v;
}

/** Fails non-null rows whose value is not in `allowed` (or that fail `pattern`, when given). */
export function inSetCheck(
  rule: string,
  field: string,
  expected: string,
  type: arrow.DataType,
  allowed: Set<Value> | undefined,
  pattern?: RegExp,
): RowCheck {
  const test = (v: Value): boolean =>
    (allowed === undefined || allowed.has(v)) && (pattern === undefined || pattern.test(String(v)));
  const memo = arrow.DataType.isUtf8(type) ? new StringMemo(test) : undefined;
  return { rule, field, expected, run: (data, fail) => scanValues(data, test, memo, false, fail) };
}

/** Fails rows whose value is in `missing`, and null rows when `nullIsMissing`. */
export function missingCheck(
  rule: string,
  field: string,
  expected: string,
  type: arrow.DataType,
  missing: Set<Value>,
  nullIsMissing: boolean,
): RowCheck {
  const test = (v: Value): boolean => !missing.has(v);
  const memo = arrow.DataType.isUtf8(type) ? new StringMemo(test) : undefined;
  return { rule, field, expected, run: (data, fail) => scanValues(data, test, memo, nullIsMissing, fail) };
}

export function nullCheck(rule: string, field: string, expected: string): RowCheck {
  return {
    rule,
    field,
    expected,
    run(data, fail) {
      if (data.nullCount === 0) return;
      const valid = validity(data);
      for (let i = 0; i < data.length; i++) if (!valid(i)) fail(i);
    },
  };
}

/** `test` decides non-null rows; null rows fail when `nullFails`. */
function scanValues(
  data: arrow.Data,
  test: (v: Value) => boolean,
  memo: StringMemo | undefined,
  nullFails: boolean,
  fail: (i: number) => void,
): void {
  if (memo !== undefined && !nullFails) return stringScan(data, memo, fail);
  if (memo !== undefined) {
    const valid = validity(data);
    const bytes = data.values as Uint8Array;
    const offs = data.valueOffsets as Int32Array;
    for (let i = 0; i < data.length; i++) {
      if (valid(i) ? !memo.ask(bytes, offs[i]!, offs[i + 1]!) : nullFails) fail(i);
    }
    return;
  }
  const valid = validity(data);
  const get = reader(data);
  for (let i = 0; i < data.length; i++) {
    if (valid(i) ? !test(get(i)) : nullFails) fail(i);
  }
}
