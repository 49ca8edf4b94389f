/**
 * minimum / maximum (with ODCS's boolean exclusiveMinimum / exclusiveMaximum) and multipleOf, over
 * Int32, Int64, Float64, Date32 and Timestamp columns, looping over the typed arrays. 64-bit values
 * are read through Int32 words; only values beyond 2^53 take a BigInt path.
 */
import * as arrow from 'apache-arrow';
import { readI64, words32 } from '../columns.js';
import type { RowCheck } from './model.js';
import { validity } from './values.js';

/** A bound in the column's own unit (days for Date32, microseconds for Timestamp). */
export interface Bound {
  value: number;
  /** The exact value when it is an integer beyond 2^53 (Int64, Timestamp). */
  big?: bigint;
  exclusive: boolean;
  /** As the contract wrote it, for messages. */
  text: string;
}

type Test = (x: number) => boolean;
type BigTest = (x: bigint) => boolean;

/** A check that fails rows whose value is below `min` (side 'min') or above `max`. */
export function boundCheck(field: string, side: 'min' | 'max', b: Bound): RowCheck {
  const rule =
    side === 'min'
      ? b.exclusive
        ? 'exclusiveMinimum'
        : 'minimum'
      : b.exclusive
        ? 'exclusiveMaximum'
        : 'maximum';
  const op = side === 'min' ? (b.exclusive ? '>' : '>=') : b.exclusive ? '<' : '<=';
  const range: Range =
    side === 'min'
      ? { lo: b.value, loEx: b.exclusive, hi: Infinity, hiEx: false }
      : { lo: -Infinity, loEx: false, hi: b.value, hiEx: b.exclusive };
  const ok = (x: number): boolean =>
    (range.loEx ? x > range.lo : x >= range.lo) && (range.hiEx ? x < range.hi : x <= range.hi);
  const bv = b.big ?? (Number.isInteger(b.value) ? BigInt(b.value) : undefined);
  const okBig: BigTest =
    bv === undefined
      ? (x) => ok(Number(x)) // |x| >= 2^53 and a fractional bound (|bound| < 2^52): the sign decides
      : side === 'min'
        ? b.exclusive
          ? (x) => x > bv
          : (x) => x >= bv
        : b.exclusive
          ? (x) => x < bv
          : (x) => x <= bv;
  return {
    rule,
    field,
    expected: `${op} ${b.text}`,
    run: (data, fail) => scanRange(data, range, okBig, fail),
  };
}

interface Range {
  lo: number;
  loEx: boolean;
  hi: number;
  hiEx: boolean;
}

/** Range test inlined in the loops: most values are strictly inside and cost two compares. */
function scanRange(data: arrow.Data, r: Range, okBig: BigTest, fail: (i: number) => void): void {
  const n = data.length;
  const { lo, loEx, hi, hiEx } = r;
  const t = data.type;
  let valid: ((i: number) => boolean) | undefined;
  if ((arrow.DataType.isInt(t) && t.bitWidth === 64) || arrow.DataType.isTimestamp(t)) {
    const big = data.values as BigInt64Array;
    const w = words32(big);
    for (let i = 0; i < n; i++) {
      const h = w[2 * i + 1]!;
      let pass: boolean;
      if (h >= -0x200000 && h < 0x200000) {
        const x = readI64(w, i);
        if (x > lo && x < hi) continue;
        pass = (loEx ? x > lo : x >= lo) && (hiEx ? x < hi : x <= hi);
      } else pass = okBig(big[i]!);
      if (!pass && (valid ??= validity(data))(i)) fail(i);
    }
    return;
  }
  const values = data.values as Int32Array | Float64Array;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x > lo && x < hi) continue;
    // NaN fails every bound, as it fails every comparison.
    const pass = (loEx ? x > lo : x >= lo) && (hiEx ? x < hi : x <= hi);
    if (!pass && (valid ??= validity(data))(i)) fail(i);
  }
}

/** Integers that fit a Rust integer type, for `format: i8 | u16 | ...` of integer fields. */
export function integerFormatCheck(field: string, format: string): RowCheck | undefined {
  const m = /^([iu])(8|16|32|64|128)$/.exec(format);
  if (m === null) return undefined;
  const bits = Number(m[2]);
  const signed = m[1] === 'i';
  // Int64 holds i64 and i128 values as far as Arrow can carry them; u64/u128 only need >= 0.
  if (signed && bits >= 64) return undefined;
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = bits >= 64 ? Infinity : signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const range: Range = { lo, loEx: false, hi, hiEx: false };
  const okBig: BigTest = (x) => x >= BigInt(lo) && (hi === Infinity || x <= BigInt(hi));
  const shown = hi === Infinity ? `>= ${lo}` : `${lo} to ${hi}`;
  return { rule: 'format', field, expected: `${format} (${shown})`, run: (data, fail) => scanRange(data, range, okBig, fail) };
}

export function multipleOfCheck(field: string, m: number): RowCheck {
  const ok: Test = (x) => {
    if (Number.isInteger(m) && Number.isSafeInteger(x)) return x % m === 0;
    const q = x / m;
    return Math.abs(q - Math.round(q)) <= 1e-9 * Math.max(1, Math.abs(q));
  };
  const okBig: BigTest = (x) => (Number.isInteger(m) ? x % BigInt(m) === 0n : ok(Number(x)));
  return {
    rule: 'multipleOf',
    field,
    expected: `a multiple of ${m}`,
    run: (data, fail) => scan(data, ok, okBig, fail),
  };
}

function scan(data: arrow.Data, ok: Test, okBig: BigTest, fail: (i: number) => void): void {
  const n = data.length;
  const valid = validity(data);
  const t = data.type;
  if ((arrow.DataType.isInt(t) && t.bitWidth === 64) || arrow.DataType.isTimestamp(t)) {
    const big = data.values as BigInt64Array;
    const w = words32(big);
    for (let i = 0; i < n; i++) {
      const hi = w[2 * i + 1]!;
      const pass = hi >= -0x200000 && hi < 0x200000 ? ok(readI64(w, i)) : okBig(big[i]!);
      if (!pass && valid(i)) fail(i);
    }
    return;
  }
  const values = data.values as Int32Array | Float64Array;
  for (let i = 0; i < n; i++) {
    // NaN fails every bound, as it fails every comparison.
    if (!ok(values[i]!) && valid(i)) fail(i);
  }
}
