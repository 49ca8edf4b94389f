/**
 * One 64-bit key per row of the key columns, as two Int32 words, computed column by column over
 * the Arrow buffers. Null in any key column: no key (the row is not checked, as SQL's UNIQUE).
 */
import * as arrow from 'apache-arrow';
import { words32 } from '../columns.js';
import { mix } from './key-set.js';
import { validity } from './values.js';

export interface KeyWords {
  hi: Int32Array;
  lo: Int32Array;
  /** 1 where the row has a key. */
  present: Uint8Array;
}

/** A single integer-like column (Int32, Int64, Date32, Timestamp): its values are the keys. */
export const isIntegerKey = (t: arrow.DataType): boolean =>
  arrow.DataType.isInt(t) || arrow.DataType.isDate(t) || arrow.DataType.isTimestamp(t);

export function keyWords(columns: arrow.Data[], n: number): KeyWords {
  const hi = new Int32Array(n);
  const lo = new Int32Array(n);
  const present = new Uint8Array(n).fill(1);
  columns.forEach((data, c) => {
    const valid = validity(data);
    if (data.nullCount > 0) for (let i = 0; i < n; i++) if (!valid(i)) present[i] = 0;
    const fold = columns.length > 1 && c > 0;
    columnWords(data, n, (i, h, l) => {
      if (fold) {
        // Order-dependent combination of the previous columns' key and this column's words.
        const a = mix(hi[i]! ^ Math.imul(h, 0x27d4eb2f), lo[i]! + c);
        const b = mix(lo[i]! ^ Math.imul(l, 0x165667b1), hi[i]! ^ a);
        hi[i] = a;
        lo[i] = b;
      } else {
        hi[i] = h;
        lo[i] = l;
      }
    });
  });
  return { hi, lo, present };
}

function columnWords(
  data: arrow.Data,
  n: number,
  put: (i: number, hi: number, lo: number) => void,
): void {
  const t = data.type;
  if (arrow.DataType.isDecimal(t)) {
    // A column's values share its scale: equal values have equal words.
    const w = data.values as Int32Array;
    const k = t.bitWidth / 32;
    for (let i = 0; i < n; i++) {
      let h1 = 0x811c9dc5;
      let h2 = 0x9747b28c;
      for (let j = 0; j < k; j++) {
        h1 = mix(h1 ^ w[k * i + j]!, h2);
        h2 = mix(h2 + j, w[k * i + j]!);
      }
      put(i, h1, h2);
    }
    return;
  }
  if (arrow.DataType.isUtf8(t) || arrow.DataType.isBinary(t)) {
    const bytes = data.values as Uint8Array;
    const offs = data.valueOffsets as Int32Array;
    for (let i = 0; i < n; i++) {
      const s = offs[i]!;
      const e = offs[i + 1]!;
      // Two 32-bit hashes of the bytes (FNV-1a and a multiply-rotate), finished by fmix32.
      let h1 = 0x811c9dc5 ^ (e - s);
      let h2 = 0x9747b28c;
      for (let k = s; k < e; k++) {
        const b = bytes[k]!;
        h1 = Math.imul(h1 ^ b, 0x01000193);
        h2 = Math.imul((h2 << 5) | (h2 >>> 27), 0x5bd1e995) ^ b;
      }
      put(i, mix(h1, h2), mix(h2 ^ (e - s), h1));
    }
    return;
  }
  if (arrow.DataType.isBool(t)) {
    const bits = data.values as Uint8Array;
    const off = data.offset;
    for (let i = 0; i < n; i++) put(i, 0, 1 + ((bits[(off + i) >> 3]! >> ((off + i) & 7)) & 1));
    return;
  }
  if (arrow.DataType.isFloat(t)) {
    const f = data.values as Float64Array;
    const w = new Int32Array(f.buffer, f.byteOffset, f.length * 2);
    for (let i = 0; i < n; i++) {
      if (f[i] === 0)
        put(i, 0, 0); // -0 and 0 are one key
      else put(i, w[2 * i + 1]!, w[2 * i]!);
    }
    return;
  }
  if ((arrow.DataType.isInt(t) && t.bitWidth === 64) || arrow.DataType.isTimestamp(t)) {
    const w = words32(data.values as BigInt64Array);
    for (let i = 0; i < n; i++) put(i, w[2 * i + 1]!, w[2 * i]!);
    return;
  }
  const v = data.values as Int32Array;
  for (let i = 0; i < n; i++) put(i, v[i]! < 0 ? -1 : 0, v[i]!);
}
