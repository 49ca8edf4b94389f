/**
 * Text -> number and boolean casts, straight from the UTF-8 bytes, for readers that send a column
 * as text when they could not parse it (or always, as JSON text sources do). A value that does
 * not parse fails its row with rule `type`, as uncastable dates and timestamps do:
 *
 *   Int64, Int32  [+-]digits, in range (Int64 exactly, also beyond 2^53)
 *   Float64       [+-]digits[.digits][e[+-]digits] or [+-].digits..., NaN, Infinity, -Infinity
 *   Bool          true / false, in any case
 * No surrounding spaces are accepted: " 1" is not the integer 1.
 */
import * as arrow from 'apache-arrow';
import { copyValidity, fixedColumn, words32, writeI64 } from './columns.js';

export interface BadSink {
  add(validity: Uint8Array, i: number): void;
}

const isValid = (v: Uint8Array, i: number): boolean => (v[i >> 3]! & (1 << (i & 7))) !== 0;

export function textToInt(src: arrow.Data<arrow.Utf8>, target: arrow.Int, bad: BadSink): arrow.Data {
  const n = src.length;
  const validity = copyValidity(src);
  const bytes = src.values;
  const offs = src.valueOffsets;
  const wide = target.bitWidth === 64;
  const out64 = wide ? new BigInt64Array(n) : undefined;
  const w = out64 ? words32(out64) : undefined;
  const out32 = wide ? undefined : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    let k = offs[i]!;
    const e = offs[i + 1]!;
    const neg = bytes[k] === 45; // '-'
    if (neg || bytes[k] === 43) k++; // '+'
    let v = 0;
    let digits = 0;
    for (; k < e; k++) {
      const d = bytes[k]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      digits++;
    }
    if (digits === 0 || k !== e) {
      bad.add(validity, i);
      continue;
    }
    if (v <= Number.MAX_SAFE_INTEGER) {
      const x = neg ? -v : v;
      if (w) writeI64(w, i, x);
      else if (x >= -0x80000000 && x <= 0x7fffffff) out32![i] = x;
      else bad.add(validity, i);
      continue;
    }
    // Beyond 2^53: exact through BigInt (Int32 cannot hold it).
    const big = BigInt(new TextDecoder().decode(bytes.subarray(offs[i]!, e)));
    if (out64 && big >= -(2n ** 63n) && big < 2n ** 63n) out64[i] = big;
    else bad.add(validity, i);
  }
  return wide ? fixedColumn(target, out64!, validity, n) : fixedColumn(target, out32!, validity, n);
}

const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|[+-]?Infinity)$/;
const decoder = new TextDecoder();
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * [+-]digits[.digits] with at most 15 digits, straight from the bytes: the digits are an exact
 * integer m < 2^53 and 10^k is exact for k <= 22, so m / 10^k is the correctly rounded double,
 * the same as Number(text) (Clinger's fast path). NaN when the text is not of that form.
 */
function shortDecimal(b: Uint8Array, s: number, e: number): number {
  let k = s;
  const neg = b[k] === 45;
  if (neg || b[k] === 43) k++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; k < e; k++) {
    const c = b[k]!;
    if (c === 46 && frac < 0) {
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return NaN;
    m = m * 10 + d;
    digits++;
    if (frac >= 0) frac++;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

export function textToFloat(src: arrow.Data<arrow.Utf8>, target: arrow.Float, bad: BadSink): arrow.Data | undefined {
  if (target.precision !== arrow.Precision.DOUBLE) return undefined;
  const n = src.length;
  const validity = copyValidity(src);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const a = src.valueOffsets[i]!;
    const z = src.valueOffsets[i + 1]!;
    const fast = shortDecimal(src.values, a, z);
    if (!Number.isNaN(fast)) {
      out[i] = fast;
      continue;
    }
    const s = decoder.decode(src.values.subarray(a, z));
    if (FLOAT.test(s)) out[i] = Number(s);
    else bad.add(validity, i);
  }
  return fixedColumn(target, out, validity, n);
}

export function textToBool(src: arrow.Data<arrow.Utf8>, target: arrow.Bool, bad: BadSink): arrow.Data {
  const n = src.length;
  const validity = copyValidity(src);
  const bits = new Uint8Array(validity.length);
  const bytes = src.values;
  const offs = src.valueOffsets;
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const s = offs[i]!;
    const len = offs[i + 1]! - s;
    // ASCII letters | 0x20 is lower case.
    const at = (k: number): number => bytes[s + k]! | 0x20;
    if (len === 4 && at(0) === 116 && at(1) === 114 && at(2) === 117 && at(3) === 101) bits[i >> 3]! |= 1 << (i & 7);
    else if (!(len === 5 && at(0) === 102 && at(1) === 97 && at(2) === 108 && at(3) === 115 && at(4) === 101)) bad.add(validity, i);
  }
  return fixedColumn(target, bits, validity, n);
}
