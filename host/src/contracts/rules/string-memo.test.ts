import { describe, expect, it } from 'vitest';
import { utf8Column } from '../columns.js';
import { decodeText, StringMemo, textHash } from './string-memo.js';

const enc = new TextEncoder();

describe('StringMemo', () => {
  it('answers as the test does, for repeated, distinct, long and non-ASCII values', () => {
    const values = [
      ...Array.from({ length: 20_000 }, (_, i) => ['EU', 'NA', 'Zürich', '東京', ''][i % 5]!),
      ...Array.from({ length: 20_000 }, (_, i) => `id-${i}-${'x'.repeat(i % 40)}é`),
    ];
    const test = (v: string): boolean => v.length % 3 === 0 || v.includes('ü');
    const memo = new StringMemo(test);
    const col = utf8Column(values);
    const offs = col.valueOffsets;
    const got = values.map((_, i) => memo.ask(col.values, offs[i]!, offs[i + 1]!));
    expect(got).toEqual(values.map(test));
    expect(values.map((_, i) => decodeText(col.values, offs[i]!, offs[i + 1]!))).toEqual(values);
  });

  it('a high-cardinality column switches the memo off, and the answers stay right', () => {
    const values = Array.from({ length: 30_000 }, (_, i) => `user-${i}@example.com`);
    const test = (v: string): boolean => v.endsWith('7@example.com');
    const memo = new StringMemo(test);
    const col = utf8Column(values);
    const got = values.map((_, i) => memo.ask(col.values, col.valueOffsets[i]!, col.valueOffsets[i + 1]!));
    expect(got).toEqual(values.map(test));
  });

  it('two values with the same hash get their own answers', () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const v = `k${i}`;
      const b = enc.encode(v);
      const h = textHash(b, 0, b.length);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, v];
      else seen.set(h, v);
    }
    const [a, b] = pair;
    const memo = new StringMemo((v) => v === a);
    for (const v of [a, b, a, b]) {
      const bytes = enc.encode(v);
      expect(memo.ask(bytes, 0, bytes.length)).toBe(v === a);
    }
  });
});
