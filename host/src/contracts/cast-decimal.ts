/**
 * Casts to the Decimal128 and Binary contract types (cast.ts calls these), exact or not at all:
 *
 *   -> Decimal128(p, s)  from Utf8 decimal text (`-12.5`, `1.5e3`), any integer type, another
 *                        Decimal128 (rescaled), and Float64 when its shortest text has at most
 *                        15 significant digits (then it is exactly the decimal it was read
 *                        from) or it is a safe integer. A value needing more than s decimals
 *                        or more than p digits is a bad row (never rounded).
 *   Decimal128 ->        Utf8 (its exact text: `-0.05`), and Float64 when the value has at most
 *                        15 significant digits (its double then reads back as the same digits)
 *   -> Binary            from LargeBinary, BinaryView and FixedSizeBinary (the same bytes).
 *                        Text is not cast to Binary: which bytes it stands for (UTF-8, hex,
 *                        base64) is the reader's to say.
 */
import * as arrow from 'apache-arrow';
import { copyValidity, countNulls, fixedColumn, utf8Column } from './columns.js';
import { decimalText, decimalWords, fitsPrecision, isDecimal128, parseDecimal, readDecimal, rescale, significantDigits, writeDecimal } from './decimal.js';

export interface BadSink {
  add(validity: Uint8Array, i: number): void;
}

export function toDecimal(src: arrow.Data, target: arrow.Decimal, bad: BadSink): arrow.Data | undefined {
  const n = src.length;
  const value = valueOf(src, target.scale);
  if (value === undefined || !isDecimal128(target)) return undefined;
  const validity = copyValidity(src);
  const values = new Uint32Array(n * 4);
  const words = decimalWords(values);
  for (let i = 0; i < n; i++) {
    if ((validity[i >> 3]! & (1 << (i & 7))) === 0) continue;
    const v = value(i);
    if (v === undefined || !fitsPrecision(v, target.precision)) bad.add(validity, i);
    else writeDecimal(words, i, v);
  }
  return fixedColumn(target, values, validity, n);
}

/** Row i's value at `scale` (undefined: not exact), or undefined when the type is not castable. */
function valueOf(src: arrow.Data, scale: number): ((i: number) => bigint | undefined) | undefined {
  const t = src.type;
  if (arrow.DataType.isUtf8(t)) {
    const bytes = src.values as Uint8Array;
    const offs = src.valueOffsets as Int32Array;
    return (i) => {
      let s = '';
      for (let k = offs[i]!; k < offs[i + 1]!; k++) s += String.fromCharCode(bytes[k]!);
      return parseDecimal(s, scale);
    };
  }
  if (arrow.DataType.isInt(t)) {
    const v = src.values as ArrayLike<number | bigint>;
    return (i) => rescale(BigInt(v[i]!), 0, scale);
  }
  if (isDecimal128(t)) {
    const w = decimalWords(src.values as Uint32Array);
    return (i) => rescale(readDecimal(w, i), t.scale, scale);
  }
  if (arrow.DataType.isFloat(t) && t.precision === arrow.Precision.DOUBLE) {
    const v = src.values as Float64Array;
    return (i) => {
      const x = v[i]!;
      if (Number.isSafeInteger(x)) return rescale(BigInt(x), 0, scale);
      const text = String(x);
      return Number.isFinite(x) && significantDigits(text) <= 15 ? parseDecimal(text, scale) : undefined;
    };
  }
  return undefined;
}

/** A Decimal128 column as text or doubles; undefined for other targets. */
export function fromDecimal(src: arrow.Data, target: arrow.DataType, bad: BadSink): arrow.Data | undefined {
  const t = src.type as arrow.Decimal;
  const n = src.length;
  const w = decimalWords(src.values as Uint32Array);
  const validity = copyValidity(src);
  const valid = (i: number) => (validity[i >> 3]! & (1 << (i & 7))) !== 0;
  if (arrow.DataType.isUtf8(target)) {
    const text = Array.from({ length: n }, (_, i) => (valid(i) ? decimalText(readDecimal(w, i), t.scale) : null));
    return utf8Column(text).clone(target);
  }
  if (!arrow.DataType.isFloat(target) || target.precision !== arrow.Precision.DOUBLE) return undefined;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!valid(i)) continue;
    const text = decimalText(readDecimal(w, i), t.scale);
    if (significantDigits(text) <= 15) out[i] = Number(text);
    else bad.add(validity, i);
  }
  return fixedColumn(target, out, validity, n);
}

export function toBinary(src: arrow.Data, target: arrow.Binary): arrow.Data | undefined {
  const t = src.type;
  if (!(arrow.DataType.isLargeBinary(t) || arrow.DataType.isBinaryView(t) || arrow.DataType.isFixedSizeBinary(t))) return undefined;
  const n = src.length;
  const vector = arrow.makeVector(src);
  const validity = copyValidity(src);
  const offsets = new Int32Array(n + 1);
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = (validity[i >> 3]! & (1 << (i & 7))) !== 0 ? (vector.get(i) as Uint8Array | null) : null;
    if (v) {
      parts.push(v);
      pos += v.length;
    }
    offsets[i + 1] = pos;
  }
  const data = new Uint8Array(Math.max(pos, 1));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return arrow.makeData({ type: target, length: n, nullCount: countNulls(validity, n), nullBitmap: validity, valueOffsets: offsets, data: data.subarray(0, pos) });
}
