/**
 * Reading one value of a column in its contract type (Utf8, Int32, Int64, Float64, Bool, Date32,
 * Timestamp(MICROSECOND, UTC)) as a JS primitive, for the rules that need the value itself
 * (pattern, format, valid values) and for messages. Range and length rules do not use this:
 * they loop over the typed arrays.
 */
import * as arrow from 'apache-arrow';
import { describeType } from '../arrow-types.js';
import { readI64, words32 } from '../columns.js';
import { decimalText, decimalWords, isDecimal128, readDecimal } from '../decimal.js';
import { decodeText } from './string-memo.js';

export type Value = string | number | bigint | boolean;

/** Row i is not null. Validity is addressed in bits from data.offset. */
export function validity(data: arrow.Data): (i: number) => boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return () => true;
  const off = data.offset;
  return (i) => {
    const b = off + i;
    return (bitmap[b >> 3]! & (1 << (b & 7))) !== 0;
  };
}


/**
 * The value of a non-null row: strings decoded, Int64 as a number when exact, else a bigint;
 * Decimal128 as its unscaled bigint (textOf adds the scale); Binary as `\x` + hex.
 */
export function reader(data: arrow.Data): (i: number) => Value {
  const t = data.type;
  if (isDecimal128(t)) {
    const w = decimalWords(data.values as Uint32Array);
    return (i) => readDecimal(w, i);
  }
  if (arrow.DataType.isBinary(t)) {
    const bytes = data.values as Uint8Array;
    const offs = data.valueOffsets as Int32Array;
    return (i) => `\\x${Buffer.from(bytes.subarray(offs[i]!, offs[i + 1]!)).toString('hex')}`;
  }
  if (arrow.DataType.isUtf8(t)) {
    const bytes = data.values as Uint8Array;
    const offs = data.valueOffsets as Int32Array;
    return (i) => decodeText(bytes, offs[i]!, offs[i + 1]!);
  }
  if (arrow.DataType.isBool(t)) {
    const bits = data.values as Uint8Array;
    const off = data.offset;
    return (i) => (bits[(off + i) >> 3]! & (1 << ((off + i) & 7))) !== 0;
  }
  if ((arrow.DataType.isInt(t) && t.bitWidth === 64) || arrow.DataType.isTimestamp(t)) {
    const big = data.values as BigInt64Array;
    const w = words32(big);
    return (i) => {
      const hi = w[2 * i + 1]!;
      return hi >= -0x200000 && hi < 0x200000 ? readI64(w, i) : big[i]!;
    };
  }
  const values = data.values as ArrayLike<number>;
  return (i) => values[i]!;
}

/** A value as plain text: numbers in decimal, dates and timestamps in ISO-8601 (UTC). */
export function textOf(type: arrow.DataType, v: Value): string {
  if (arrow.DataType.isDate(type)) return isoDate(Number(v));
  if (arrow.DataType.isTimestamp(type)) return isoMicros(BigInt(v));
  if (arrow.DataType.isDecimal(type)) return decimalText(BigInt(v), type.scale);
  return String(v);
}

/** For messages: `Int64 0`, `Utf8 "abc"` (long text cut at 60 characters). */
export function describeValue(type: arrow.DataType, v: Value): string {
  const text = textOf(type, v);
  const shown =
    typeof v === 'string'
      ? JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)
      : text;
  return `${describeType(type)} ${shown}`;
}

const isoDate = (days: number): string => {
  const d = new Date(days * 86_400_000);
  return Number.isNaN(d.getTime()) ? `${days} days` : d.toISOString().slice(0, 10);
};

function isoMicros(us: bigint): string {
  const ms = us / 1000n;
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return `${us} µs`;
  const frac = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${d.toISOString().slice(0, 19)}${frac === 0n ? '' : `.${frac.toString().padStart(6, '0')}`}Z`;
}
