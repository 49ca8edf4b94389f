import { describe, expect, it } from 'vitest';
import { isJsonString, JsonScanError, JsonScanner, quotedBytes } from './json-scan.js';

const enc = (s: string) => new TextEncoder().encode(s);
// ignoreBOM: a byte order mark stays in the text (and JSON.parse refuses it), as Buffer.toString did.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** What the scanner must agree with: JSON.parse of the bytes decoded as strict UTF-8. */
const accepted = (b: Uint8Array) => {
  try {
    JSON.parse(strict.decode(b));
    return true;
  } catch {
    return false;
  }
};
const KEYS = ['type', 'stream', 'record'];
/** The scanned value of each wanted key, parsed from its byte range. */
function members(line: string | Uint8Array, keys = KEYS): Record<string, unknown> {
  const b = typeof line === 'string' ? enc(line) : line;
  const s = new JsonScanner(keys);
  expect(s.scan(b)).toBe('object');
  const out: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    if (s.ranges[2 * i]! >= 0) out[k] = JSON.parse(strict.decode(b.subarray(s.ranges[2 * i], s.ranges[2 * i + 1])));
  });
  return out;
}
const picked = (line: string, keys = KEYS) => {
  const v = JSON.parse(line) as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => k in v).map((k) => [k, v[k]]));
};

describe('JsonScanner', () => {
  it.each([
    '{"type":"RECORD","stream":"orders","record":{"id":1,"name":"a"},"time_extracted":"2024-01-01T00:00:00Z"}',
    ' { "type" : "STATE" , "value" : { "bookmarks" : [1, 2.5e-3, -0, true, false, null] } } \r',
    '{"record":{"note":"say \\"record\\": {\\"x\\":1}","path":"C:\\\\dir\\\\"},"type":"RECORD"}',
    '{"x":{"record":1,"type":"inner"},"record":{"b":[{"record":2}]},"y":"\\"record\\":3"}',
    '{"rec\\u006frd":{"a":"\\u00e9\\ud83d\\ude00"},"type":"R\\u0045CORD"}',
    '{"record":{"é":"日本語 😀 é"},"stream":"naïve"}',
    '{"record":1,"record":{"last":"wins"}}',
    '{"record":{},"stream":"","type":[]}',
    '{"record":{"n":-0.5E+10,"m":0,"k":123456789012345678901234567890}}',
  ])('gives each top-level key the value JSON.parse gives: %s', (line) => {
    expect(members(line)).toEqual(picked(line));
  });

  it('reports values that are not objects, blank lines, and no ranges for them', () => {
    const s = new JsonScanner(KEYS);
    expect(s.scan(enc('[{"record":1}]'))).toBe('other');
    expect([...s.ranges]).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(s.scan(enc('"record"'))).toBe('other');
    expect(s.scan(enc('  \t '))).toBe('blank');
    expect(s.scan(enc(''))).toBe('blank');
  });

  it('scans a range of a larger buffer without reading past it', () => {
    const b = enc('xx{"record":{"a":1}}{"record":2}');
    const s = new JsonScanner(['record']);
    expect(s.scan(b, 2, 20)).toBe('object');
    expect(strict.decode(b.subarray(s.ranges[0], s.ranges[1]))).toBe('{"a":1}');
    // Cut inside a value: what follows the range must not complete it.
    expect(() => s.scan(enc('{"a":12}'), 0, 6)).toThrow(JsonScanError);
    expect(() => s.scan(enc('{"a":"x"}'), 0, 7)).toThrow(JsonScanError);
    expect(() => s.scan(enc('{"a":tru}'), 0, 8)).toThrow(JsonScanError);
    expect(() => s.scan(enc('{}'), 0, 1)).toThrow(JsonScanError);
    expect(() => s.scan(enc('{"a":[1]}'), 0, 7)).toThrow(JsonScanError);
  });

  it.each([
    ['{"a":1', 'unclosed object'],
    ['{"a":1}}', 'text after'],
    ['{"a" 1}', 'no colon'],
    ['{a:1}', 'unquoted key'],
    ['{"a":01}', 'leading zero'],
    ['{"a":1.}', 'no fraction digits'],
    ['{"a":.5}', 'no integer part'],
    ['{"a":1e}', 'no exponent digits'],
    ['{"a":+1}', 'plus sign'],
    ['{"a":NaN}', 'NaN'],
    ['{"a":"\\x41"}', 'bad escape'],
    ['{"a":"\\u12G4"}', 'bad \\u escape'],
    ['{"a":"tab\there"}', 'raw control character'],
    ['{"a":[1,]}', 'trailing comma'],
    ['{"a":1,}', 'trailing comma in object'],
    ['{"a":tru}', 'bad literal'],
    ['{"a":"unterminated}', 'unterminated string'],
    ['\ufeff{"a":1}', 'byte order mark'],
    ['this is not a JSON message', 'text'],
  ])('refuses what JSON.parse refuses: %s (%s)', (line) => {
    expect(accepted(enc(line))).toBe(false);
    expect(() => new JsonScanner(KEYS).scan(enc(line))).toThrow(JsonScanError);
  });

  it.each([
    [[0x22, 0xc0, 0x80, 0x22], 'overlong NUL'],
    [[0x22, 0xed, 0xa0, 0x80, 0x22], 'a UTF-16 surrogate'],
    [[0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], 'past U+10FFFF'],
    [[0x22, 0xe2, 0x82, 0x22], 'a truncated sequence'],
    [[0x22, 0xff, 0x22], 'an invalid byte'],
    [[0x22, 0x80, 0x22], 'a lone continuation byte'],
  ])('refuses bytes that are not UTF-8 in a string (%j: %s)', (bytes) => {
    const b = Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, ...bytes, 0x7d]);
    expect(accepted(b)).toBe(false);
    expect(() => new JsonScanner(KEYS).scan(b)).toThrow(/not UTF-8/);
  });

  it('takes deep nesting without recursion', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const s = new JsonScanner(['record']);
    const b = enc(`{"record":${deep}}`);
    expect(s.scan(b)).toBe('object');
    expect(strict.decode(b.subarray(s.ranges[0], s.ranges[1]))).toBe(deep);
    expect(() => new JsonScanner(KEYS).scan(enc(`{"record":${'['.repeat(1000)}}`))).toThrow(JsonScanError);
  });

  it('agrees with JSON.parse on 10,000 mutations of real messages (deleted, inserted, replaced bytes)', () => {
    const seeds = [
      '{"type":"RECORD","stream":"orders","record":{"id":17,"name":"customer \\"17\\"","amount":6.29,"tags":["a","é"],"x":null,"ok":true},"time_extracted":"2024-01-01T00:00:00+00:00"}',
      '{"type":"STATE","value":{"bookmarks":{"orders":{"replication_key_value":"2024-01-01","n":-1.5e-7}}}}',
      '{"type":"RECORD","record":{"stream":"users","data":{"k":"\\u00e9\\n\\t","v":[[],{},[{"a":false}]]},"emitted_at":1700000000000}}',
    ].map(enc);
    const pool = [...enc('{}[]":,\\ -+.eE019tfnrul'), 0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xed, 0xf0, 0xff];
    let x = 42;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31) % n);
    const s = new JsonScanner(KEYS);
    let refused = 0;
    for (let t = 0; t < 10_000; t++) {
      const seed = seeds[t % seeds.length]!;
      const b = [...seed];
      for (let m = 1 + rand(3); m > 0; m--) {
        const at = rand(b.length);
        const op = rand(3);
        if (op === 0) b.splice(at, 1);
        else if (op === 1) b.splice(at, 0, pool[rand(pool.length)]!);
        else b[at] = pool[rand(pool.length)]!;
      }
      const bytes = Uint8Array.from(b);
      let ok = true;
      try {
        s.scan(bytes);
      } catch (e) {
        if (!(e instanceof JsonScanError)) throw e;
        ok = false;
      }
      if (ok !== accepted(bytes)) throw new Error(`disagrees (scanner ${ok}) on ${JSON.stringify(strict.decode(bytes))}`);
      if (ok) expect(members(bytes)).toEqual(picked(strict.decode(bytes)));
      else refused++;
    }
    expect(refused).toBeGreaterThan(2_500); // the mutations did break many lines
  }, 60_000);
});

describe('isJsonString', () => {
  it('matches the plain spelling and an escaped one, nothing else', () => {
    const q = quotedBytes('orders');
    const at = (s: string) => [enc(s), 0, enc(s).length] as const;
    expect(isJsonString(...at('"orders"'), q, 'orders')).toBe(true);
    expect(isJsonString(...at('"\\u006frders"'), q, 'orders')).toBe(true);
    expect(isJsonString(...at('"order"'), q, 'orders')).toBe(false);
    expect(isJsonString(...at('"ordersx"'), q, 'orders')).toBe(false);
    expect(isJsonString(...at('7'), q, 'orders')).toBe(false);
    expect(isJsonString(enc('"orders"'), -1, -1, q, 'orders')).toBe(false);
  });
});
