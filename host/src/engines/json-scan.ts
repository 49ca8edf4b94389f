/**
 * One pass over a connector's stdout line (UTF-8 bytes): checks that it is one JSON value,
 * accepting exactly what JSON.parse accepts (RFC 8259) and refusing bytes that are not
 * UTF-8, and notes where the values of the top-level keys asked for lie. A RECORD's record
 * then goes into a batch as the bytes the connector wrote: parsed once, by the pipeline's
 * JSON Lines decoder, not parsed here, re-encoded and parsed again. No allocation per line
 * unless a key holds an escape.
 */

export class JsonScanError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const enum Top { None, Object, Array }
// Escapes JSON allows after a backslash (u is checked apart): " \ / b f n r t.
const ESCAPES = new Uint8Array(128);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;
const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isHex = (b: number) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class JsonScanner {
  readonly #keys: Uint8Array[];
  readonly #names: string[];
  /** Value ranges of the last scan: keys[k] at [ranges[2k], ranges[2k+1]), -1 when absent. */
  readonly ranges: Int32Array;
  #stack = new Uint8Array(64);

  constructor(keys: readonly string[]) {
    this.#names = [...keys];
    this.#keys = keys.map((k) => encoder.encode(k));
    this.ranges = new Int32Array(keys.length * 2);
  }

  /**
   * Scans bytes[start, end). Returns 'object' or 'other' (another JSON value: no ranges), or
   * 'blank' for a line of whitespace; throws JsonScanError where the text stops being JSON.
   */
  scan(b: Uint8Array, start = 0, end = b.length): 'object' | 'other' | 'blank' {
    this.ranges.fill(-1);
    // A read past `end` only moves i past it, and the line must end exactly at `end`.
    let i = start;
    while (i < end && isWs(b[i]!)) i++;
    if (i === end) return 'blank';
    const isObject = b[i] === 0x7b;
    let depth = 0;
    let key = -1; // the wanted key whose value is being read at depth 1
    let valueStart = 0;
    for (;;) {
      // A value at i (after whitespace).
      if (i >= end) throw new JsonScanError('the line ends where a value should be', i);
      if (depth === 1 && this.#stack[0] === Top.Object) valueStart = i;
      const c = b[i]!;
      if (c === 0x7b || c === 0x5b) {
        this.#push(depth++, c === 0x7b ? Top.Object : Top.Array);
        i = this.#ws(b, i + 1, end);
        if (b[i] === (c === 0x7b ? 0x7d : 0x5d)) {
          depth--;
          i++;
        } else if (c === 0x7b) {
          i = this.#member(b, i, end, depth);
          if (depth === 1) key = this.#lastKey;
          continue;
        } else continue;
      } else if (c === QUOTE) i = this.#string(b, i, end);
      else if (c === 0x2d || isDigit(c)) i = this.#number(b, i, end);
      else i = this.#literal(b, i, end);
      // After a value: close containers, or go on to the next element or member.
      for (;;) {
        if (depth === 1 && key >= 0 && this.#stack[0] === Top.Object) {
          this.ranges[2 * key] = valueStart;
          this.ranges[2 * key + 1] = i;
          key = -1;
        }
        i = this.#ws(b, i, end);
        if (depth === 0) {
          if (i !== end) throw new JsonScanError('text after the JSON value', i);
          return isObject ? 'object' : 'other';
        }
        const top = this.#stack[depth - 1];
        const close = top === Top.Object ? 0x7d : 0x5d;
        if (b[i] === close) {
          depth--;
          i++;
          continue;
        }
        if (b[i] !== 0x2c) throw new JsonScanError(`expected "," or "${String.fromCharCode(close)}"`, i);
        i = this.#ws(b, i + 1, end);
        if (top === Top.Object) {
          i = this.#member(b, i, end, depth);
          if (depth === 1) key = this.#lastKey;
        }
        break;
      }
    }
  }

  #lastKey = -1;
  /** Set by #string when the string holds an escape. */
  #escaped = false;

  /** A member's key and colon at i; returns where its value starts. Sets #lastKey at depth 1. */
  #member(b: Uint8Array, i: number, end: number, depth: number): number {
    if (b[i] !== QUOTE) throw new JsonScanError('expected a key string', i);
    this.#escaped = false;
    const after = this.#string(b, i, end);
    this.#lastKey = depth === 1 ? this.#wanted(b, i + 1, after - 1) : -1;
    i = this.#ws(b, after, end);
    if (b[i] !== 0x3a) throw new JsonScanError('expected ":"', i);
    return this.#ws(b, i + 1, end);
  }

  /** The index of the wanted key spelled by b[s, e) (the text between the quotes), or -1. */
  #wanted(b: Uint8Array, s: number, e: number): number {
    if (this.#escaped) {
      const name = JSON.parse(`"${decoder.decode(b.subarray(s, e))}"`) as string;
      return this.#names.indexOf(name);
    }
    outer: for (let k = 0; k < this.#keys.length; k++) {
      const key = this.#keys[k]!;
      if (key.length !== e - s) continue;
      for (let j = 0; j < key.length; j++) if (key[j] !== b[s + j]) continue outer;
      return k;
    }
    return -1;
  }

  #push(depth: number, t: Top): void {
    if (depth === this.#stack.length) {
      const grown = new Uint8Array(depth * 2);
      grown.set(this.#stack);
      this.#stack = grown;
    }
    this.#stack[depth] = t;
  }

  #ws(b: Uint8Array, i: number, end: number): number {
    while (i < end && isWs(b[i]!)) i++;
    return i;
  }

  /** The string opening at i (a quote); returns the index after its closing quote. */
  #string(b: Uint8Array, i: number, end: number): number {
    for (i++; i < end; ) {
      const c = b[i]!;
      if (c === QUOTE) return i + 1;
      if (c === BACKSLASH) {
        this.#escaped = true;
        const e = b[i + 1] ?? 0;
        if (e === 0x75) {
          for (let j = 2; j < 6; j++) if (!isHex(b[i + j] ?? 0) || i + j >= end) throw new JsonScanError('a bad \\u escape', i);
          i += 6;
        } else if (e < 128 && ESCAPES[e] && i + 1 < end) i += 2;
        else throw new JsonScanError('a bad escape', i);
      } else if (c < 0x20) throw new JsonScanError('a control character in a string', i);
      else if (c < 0x80) i++;
      else i = utf8(b, i, end);
    }
    throw new JsonScanError('an unterminated string', i);
  }

  #number(b: Uint8Array, i: number, end: number): number {
    const s = i;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (i < end && isDigit(b[i]!)) while (i < end && isDigit(b[i]!)) i++;
    else throw new JsonScanError('a bad number', s);
    if (b[i] === 0x2e && i < end) {
      i++;
      if (!(i < end && isDigit(b[i]!))) throw new JsonScanError('a bad number', s);
      while (i < end && isDigit(b[i]!)) i++;
    }
    if ((b[i] === 0x65 || b[i] === 0x45) && i < end) {
      i++;
      if ((b[i] === 0x2b || b[i] === 0x2d) && i < end) i++;
      if (!(i < end && isDigit(b[i]!))) throw new JsonScanError('a bad number', s);
      while (i < end && isDigit(b[i]!)) i++;
    }
    return i;
  }

  #literal(b: Uint8Array, i: number, end: number): number {
    for (const word of LITERALS) {
      if (b[i] !== word[0] || i + word.length > end) continue;
      let j = 1;
      while (j < word.length && b[i + j] === word[j]) j++;
      if (j === word.length) return i + j;
    }
    throw new JsonScanError('not a JSON value', i);
  }
}

const LITERALS = ['true', 'false', 'null'].map((w) => encoder.encode(w));

/** One UTF-8 sequence at i (its lead byte >= 0x80); returns the index after it. */
function utf8(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 2;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f; // no UTF-16 surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 3;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f; // nothing past U+10FFFF
  } else throw new JsonScanError('bytes that are not UTF-8', i);
  if (i + n >= end) throw new JsonScanError('bytes that are not UTF-8', i);
  const second = b[i + 1]!;
  if (second < lo || second > hi) throw new JsonScanError('bytes that are not UTF-8', i);
  for (let j = 2; j <= n; j++) {
    const x = b[i + j]!;
    if (x < 0x80 || x > 0xbf) throw new JsonScanError('bytes that are not UTF-8', i);
  }
  return i + n + 1;
}

/** Whether b[s, e) is the JSON string `value` (either spelled as `quoted`, or with escapes). */
export function isJsonString(b: Uint8Array, s: number, e: number, quoted: Uint8Array, value: string): boolean {
  if (s < 0 || b[s] !== QUOTE) return false;
  if (e - s === quoted.length) {
    let j = 0;
    while (j < quoted.length && b[s + j] === quoted[j]) j++;
    if (j === quoted.length) return true;
  }
  return b.subarray(s, e).includes(BACKSLASH) && JSON.parse(decoder.decode(b.subarray(s, e))) === value;
}

/** `value` as the bytes of its JSON string (quotes included), for isJsonString. */
export const quotedBytes = (value: string): Uint8Array => encoder.encode(JSON.stringify(value));
