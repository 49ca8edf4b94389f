/**
 * Decimal128 values in the host: the contract type of `number` fields whose physicalType is
 * decimal(p,s) / numeric(p,s) with 1 <= p <= 38 and 0 <= s <= p. A value is its unscaled
 * integer (12.50 at scale 2 is 1250), 128-bit two's complement, little-endian, as Arrow
 * lays it out (four Uint32 words per value). Everything here is exact: BigInt, no Float64.
 */
import * as arrow from 'apache-arrow';

export const MAX_DECIMAL128_PRECISION = 38;

/** Decimal128(p, s) for decimal(p[,s]) / numeric(p[,s]) that fits; undefined otherwise. */
export function decimalTypeFor(physicalType: string | undefined): arrow.Decimal | undefined {
  const m = /^\s*(?:decimal|numeric)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$/i.exec(physicalType ?? '');
  if (m === null) return undefined;
  const p = Number(m[1]);
  const s = m[2] === undefined ? 0 : Number(m[2]);
  if (p < 1 || p > MAX_DECIMAL128_PRECISION || s > p) return undefined;
  return new arrow.Decimal(s, p, 128);
}

export const isDecimal128 = (t: arrow.DataType): t is arrow.Decimal => arrow.DataType.isDecimal(t) && t.bitWidth === 128;

const TWO64 = 1n << 64n;

/** The unscaled value of row i (two BigUint64 words per value: lo, hi). */
export function readDecimal(words: BigUint64Array, i: number): bigint {
  return BigInt.asIntN(64, words[2 * i + 1]!) * TWO64 + words[2 * i]!;
}

export function writeDecimal(words: BigUint64Array, i: number, v: bigint): void {
  words[2 * i] = BigInt.asUintN(64, v);
  words[2 * i + 1] = BigInt.asUintN(64, v >> 64n);
}

/** A Decimal128 column's values (Uint32Array in Arrow JS) as 64-bit words. */
export const decimalWords = (values: Uint32Array): BigUint64Array => new BigUint64Array(values.buffer, values.byteOffset, values.length >> 1);

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** |v| < 10^precision */
export const fitsPrecision = (v: bigint, precision: number): boolean => (v < 0n ? -v : v) < pow10(precision);

/** Unscaled `v` at `scale` decimals as text: `-0.05`, `12345678901234567.89`. */
export function decimalText(v: bigint, scale: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

/**
 * Decimal text (`-12.5`, `+3`, `.25`, `1.5e3`) as its unscaled value at `scale`, exactly:
 * undefined when it is not a number or needs more decimals than `scale` (nonzero ones).
 * The precision is the caller's check.
 */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?\s*$/.exec(text);
  if (m === null) return undefined;
  const [, sign, int = '', frac = ''] = m;
  if (int === '' && frac === '') return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  // digits * 10^(exp - frac.length) == value; at `scale`: digits * 10^(shift)
  const digits = BigInt((int + frac).replace(/^0+(?=\d)/, '') || '0');
  const shift = exp - frac.length + scale;
  let v: bigint;
  if (shift >= 0) v = digits * pow10(shift);
  else {
    const d = pow10(-shift);
    if (digits % d !== 0n) return undefined;
    v = digits / d;
  }
  return sign === '-' ? -v : v;
}

/** The same value at another scale, exactly; undefined when decimals would be dropped. */
export function rescale(v: bigint, from: number, to: number): bigint | undefined {
  if (to >= from) return v * pow10(to - from);
  const d = pow10(from - to);
  return v % d === 0n ? v / d : undefined;
}

/** Significant digits of a JS number's shortest text (String(x)): 15 or fewer round-trip. */
export function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}
