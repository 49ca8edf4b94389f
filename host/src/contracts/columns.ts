/**
 * Low-level column helpers over Arrow Data, shared by the batch validator and the JSON Lines decoder.
 * Arrow JS keeps fixed-width values and value offsets pre-sliced (index i), while validity bitmaps
 * and boolean values are addressed in bits from data.offset.
 */
import * as arrow from 'apache-arrow';

const TWO32 = 4294967296;

/** Index of every null (invalid) slot of a column, in order. Cheap when the column has no nulls. */
export function nullIndices(data: arrow.Data): number[] {
  const out: number[] = [];
  if (data.typeId === arrow.Type.Null) {
    for (let i = 0; i < data.length; i++) out.push(i);
    return out;
  }
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return out;
  const off = data.offset;
  for (let i = 0; i < data.length; i++) {
    const b = off + i;
    if ((bitmap[b >> 3]! & (1 << (b & 7))) === 0) out.push(i);
  }
  return out;
}

/** A validity bitmap (offset 0, length bits, 64-byte padded) copied from a column; all valid if it has none. */
export function copyValidity(data: arrow.Data): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(paddedBytes(n));
  const src = data.nullBitmap;
  if (data.typeId === arrow.Type.Null) return out;
  if (!src || src.length === 0 || data.nullCount === 0) {
    out.fill(0xff, 0, n >> 3);
    for (let i = n & ~7; i < n; i++) out[i >> 3]! |= 1 << (i & 7);
    return out;
  }
  const off = data.offset;
  if ((off & 7) === 0) {
    out.set(src.subarray(off >> 3, (off >> 3) + ((n + 7) >> 3)));
    if (n & 7) out[n >> 3]! &= (1 << (n & 7)) - 1;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const b = off + i;
    if (src[b >> 3]! & (1 << (b & 7))) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

export const paddedBytes = (bits: number): number => (((bits + 7) >> 3) + 63) & ~63;

export const clearBit = (bitmap: Uint8Array, i: number): void => {
  bitmap[i >> 3]! &= ~(1 << (i & 7));
};

export const setBit = (bitmap: Uint8Array, i: number): void => {
  bitmap[i >> 3]! |= 1 << (i & 7);
};

export function countNulls(bitmap: Uint8Array, length: number): number {
  let valid = 0;
  for (let i = 0; i < length; i++) valid += (bitmap[i >> 3]! >> (i & 7)) & 1;
  return length - valid;
}

/** An all-null column of `type`. */
export function nullColumn(type: arrow.DataType, length: number): arrow.Data {
  const nullBitmap = new Uint8Array(paddedBytes(length));
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    return arrow.makeData({ type, length, nullCount: length, nullBitmap, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) } as never);
  }
  if (arrow.DataType.isDecimal(type)) return arrow.makeData({ type, length, nullCount: length, nullBitmap, data: new Uint32Array(length * (type.bitWidth / 32)) });
  if (arrow.DataType.isStruct(type)) {
    return arrow.makeData({ type, length, nullCount: length, nullBitmap, children: type.children.map((c) => nullColumn(c.type, length)) });
  }
  if (arrow.DataType.isList(type)) {
    const child = nullColumn(type.children[0]!.type, 0);
    return arrow.makeData({ type, length, nullCount: length, nullBitmap, valueOffsets: new Int32Array(length + 1), child });
  }
  if (arrow.DataType.isBool(type)) return arrow.makeData({ type, length, nullCount: length, nullBitmap, data: new Uint8Array(paddedBytes(length)) });
  const ArrayType = (type as arrow.DataType & { ArrayType: new (n: number) => ArrayLike<number> }).ArrayType;
  return arrow.makeData({ type, length, nullCount: length, nullBitmap, data: new ArrayType(length) } as never);
}

/** A fixed-width column from its values and validity (nullCount is counted). */
export function fixedColumn<T extends arrow.DataType>(type: T, values: T['TArray'], validity: Uint8Array, length: number): arrow.Data<T> {
  return arrow.makeData({ type, length, nullCount: countNulls(validity, length), nullBitmap: validity, data: values } as never) as arrow.Data<T>;
}

/**
 * 64-bit integers through an Int32Array view (little-endian lo, hi): no BigInt per value.
 * readI64 is exact for |v| < 2^53; callers check `hi` themselves when the range matters.
 */
export const readI64 = (words: Int32Array, i: number): number => words[2 * i + 1]! * TWO32 + (words[2 * i]! >>> 0);

export function writeI64(words: Int32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  words[2 * i] = (v - hi * TWO32) | 0;
  words[2 * i + 1] = hi | 0;
}

export const words32 = (a: BigInt64Array | BigUint64Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length * 2);

const encoder = new TextEncoder();

/**
 * Utf8 column from JS strings (null for missing values). Hand-rolled: vectorFromArray's builder
 * costs about 1 µs per string; this copies ASCII directly and uses encodeInto for the rest.
 */
export function utf8Column(values: (string | null | undefined)[]): arrow.Data<arrow.Utf8> {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  const validity = new Uint8Array(paddedBytes(n));
  let buf = new Uint8Array(1024);
  let pos = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      offsets[i + 1] = pos;
      continue;
    }
    validity[i >> 3]! |= 1 << (i & 7);
    const len = v.length;
    if (pos + len * 3 > buf.length) {
      const next = new Uint8Array(Math.max(buf.length * 2, pos + len * 3));
      next.set(buf.subarray(0, pos));
      buf = next;
    }
    let j = 0;
    for (; j < len; j++) {
      const c = v.charCodeAt(j);
      if (c >= 0x80) break;
      buf[pos + j] = c;
    }
    pos += j === len ? len : encoder.encodeInto(v, buf.subarray(pos)).written;
    offsets[i + 1] = pos;
  }
  const type = new arrow.Utf8();
  return arrow.makeData({ type, length: n, nullCount: nulls, nullBitmap: validity, valueOffsets: offsets, data: buf.subarray(0, pos) });
}
