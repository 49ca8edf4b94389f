/** The SDK's JSON Lines batch builder, run in Node (it imports nothing from the contract). */
import { describe, expect, it } from 'vitest';
import { JsonLinesBatch, jsonValue } from '../../plugins-ts/sdk/src/jsonl.js';

const lines = (bytes: Uint8Array) => new TextDecoder().decode(bytes).split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);

describe('JsonLinesBatch', () => {
  it('builds one JSON Lines text, encodes it once, and resets', () => {
    const b = new JsonLinesBatch({ maxRows: 3 });
    expect(b.take()).toBeUndefined();
    b.add({ id: 1, s: 'é "q" \n' }).addAll([{ id: 2 }, { id: 3 }]);
    expect(b.isFull).toBe(true);
    const batch = b.take('{"n":3}')!;
    expect(batch.encoding).toBe('json-lines');
    expect(batch.checkpoint).toBe('{"n":3}');
    expect(lines(batch.bytes)).toEqual([{ id: 1, s: 'é "q" \n' }, { id: 2 }, { id: 3 }]);
    expect(b.isEmpty).toBe(true);
  });

  it('grows its reused buffer for non-ASCII text (3 bytes per UTF-16 unit at worst)', () => {
    const b = new JsonLinesBatch();
    b.addLine('{"a":1}');
    expect(lines(b.take()!.bytes)).toEqual([{ a: 1 }]);
    const text = '€'.repeat(1000);
    b.add({ text });
    expect(lines(b.take()!.bytes)).toEqual([{ text }]);
  });

  it('a checkpoint alone makes an empty batch; maxChars bounds the size', () => {
    const b = new JsonLinesBatch({ maxChars: 10 });
    expect(b.take('{}')).toMatchObject({ bytes: new Uint8Array(0), checkpoint: '{}' });
    b.add({ long: 'xxxxxxxx' });
    expect(b.isFull).toBe(true);
  });

  it('jsonValue writes JSON values, escaping strings only when needed', () => {
    expect([1.5, NaN, 'a', 'a"b', true, null, undefined, 10n, { x: [1] }].map(jsonValue)).toEqual(['1.5', 'null', '"a"', '"a\\"b"', 'true', 'null', 'null', '10', '{"x":[1]}']);
  });
});
