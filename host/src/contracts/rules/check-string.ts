/**
 * String rules over Utf8 columns: minLength / maxLength count Unicode code points (as JSON Schema
 * does) straight from the UTF-8 bytes; pattern and format test the decoded value.
 * A pattern is searched, not anchored (JSON Schema's `pattern`): write ^...$ to match the whole value.
 */
import type * as arrow from 'apache-arrow';
import type { RowCheck } from './model.js';
import { StringMemo } from './string-memo.js';
import { validity } from './values.js';

export function lengthCheck(field: string, side: 'min' | 'max', limit: number): RowCheck {
  return {
    rule: side === 'min' ? 'minLength' : 'maxLength',
    field,
    expected: `${side === 'min' ? 'at least' : 'at most'} ${limit} characters`,
    run(data, fail) {
      const n = data.length;
      const valid = validity(data);
      const bytes = data.values as Uint8Array;
      const offs = data.valueOffsets as Int32Array;
      for (let i = 0; i < n; i++) {
        const s = offs[i]!;
        const e = offs[i + 1]!;
        const len = e - s;
        // A code point is 1 to 4 bytes: count them only when the byte length cannot decide.
        if (side === 'max' ? len <= limit : len < limit) {
          if (side === 'min' && valid(i)) fail(i);
          continue;
        }
        if (side === 'max' ? len > 4 * limit : len >= 4 * limit) {
          if (side === 'max' && valid(i)) fail(i);
          continue;
        }
        let cps = 0;
        for (let k = s; k < e; k++) cps += (bytes[k]! & 0xc0) !== 0x80 ? 1 : 0;
        if ((side === 'max' ? cps > limit : cps < limit) && valid(i)) fail(i);
      }
    },
  };
}

/** Fails non-null rows whose decoded value does not pass `test`. */
export function valueCheck(
  rule: string,
  field: string,
  expected: string,
  test: (v: string) => boolean,
): RowCheck {
  const memo = new StringMemo(test);
  return {
    rule,
    field,
    expected,
    run(data, fail) {
      stringScan(data, memo, fail);
    },
  };
}

/** Fails non-null rows whose value fails `test`, asking a memo of answers by value (string-memo.ts). */
export function stringScan(data: arrow.Data, memo: StringMemo, fail: (i: number) => void): void {
  const n = data.length;
  const valid = validity(data);
  const bytes = data.values as Uint8Array;
  const offs = data.valueOffsets as Int32Array;
  for (let i = 0; i < n; i++) {
    if (!memo.ask(bytes, offs[i]!, offs[i + 1]!) && valid(i)) fail(i);
  }
}
