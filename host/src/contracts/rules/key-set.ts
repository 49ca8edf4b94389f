/**
 * The keys a stream has seen, for uniqueness within a run (unique, primaryKey, duplicate counts).
 *
 * A key is 64 bits: the value itself for a single integer, date, timestamp or float column (exact),
 * else a 64-bit hash of the value(s) (strings, composite keys): two different keys are taken for
 * one with probability about n^2 / 2^65 for n keys (1 in 2 million at 4 million keys).
 *
 * Memory: an open-addressing table of 8 bytes per slot, load <= 3/4, doubling from 8192 slots
 * (64 KiB) up to the power of two that holds `maxKeys` keys: at most 64 MiB at the default of
 * 4,194,304 keys. Past maxKeys new keys are not stored; keys already stored are still found, and the
 * rule is reported as not fully checked (never as passed). A single integer key column that rises
 * (or falls) by one, as generated ids do, is kept as an interval and takes no table space at all.
 */

export const DEFAULT_MAX_KEYS = 4_194_304;

/** What add() found: a new key, a key seen before, or a new key not stored (the set is full). */
export const Seen = { New: 0, Again: 1, Unstored: 2 } as const;
export type Seen = (typeof Seen)[keyof typeof Seen];

export class KeySet {
  private words: Int32Array;
  private mask: number;
  private size = 0;
  private hasZero = false;
  private readonly maxSlots: number;
  /** Interval [lo, hi] of exact integer keys held without a table entry. */
  private lo = 0;
  private hi = -1;

  constructor(private readonly maxKeys = DEFAULT_MAX_KEYS) {
    let slots = 8192;
    while (slots * 0.75 < maxKeys) slots *= 2;
    this.maxSlots = slots;
    const start = Math.min(8192, slots);
    this.words = new Int32Array(2 * start);
    this.mask = start - 1;
  }

  get bytes(): number {
    return this.words.byteLength;
  }

  /** Keys stored in the table (interval keys not counted). */
  get stored(): number {
    return this.size + (this.hasZero ? 1 : 0);
  }

  /** An exact integer key (|v| < 2^53): extends the interval when it can. */
  addInteger(v: number): Seen {
    if (this.hi < this.lo) {
      this.lo = this.hi = v;
      return Seen.New;
    }
    if (v >= this.lo && v <= this.hi) return Seen.Again;
    if (v === this.hi + 1 || v === this.lo - 1) {
      const w = splitWords(v);
      if ((this.size !== 0 || this.hasZero) && this.has(w[0], w[1])) return Seen.Again;
      if (v > this.hi) this.hi = v;
      else this.lo = v;
      return Seen.New;
    }
    const w = splitWords(v);
    return this.add(w[0], w[1]);
  }

  /**
   * The consecutive integers first .. first+count-1 (a batch of generated ids), in one step, when
   * they extend the interval and the table holds nothing they could repeat. False: add them one by one.
   */
  addRun(first: number, count: number): boolean {
    const last = first + count - 1;
    if (count === 0 || this.size !== 0 || this.hasZero || !Number.isSafeInteger(last)) return false;
    if (this.hi < this.lo) {
      this.lo = first;
      this.hi = last;
    } else if (first === this.hi + 1) this.hi = last;
    else if (last === this.lo - 1) this.lo = first;
    else return false;
    return true;
  }

  /** A key as two 32-bit words. */
  add(hi: number, lo: number): Seen {
    if (hi === 0 && lo === 0) {
      if (this.hasZero) return Seen.Again;
      if (this.stored >= this.maxKeys) return Seen.Unstored;
      this.hasZero = true;
      return Seen.New;
    }
    const slot = this.find(hi, lo);
    if (this.words[2 * slot] !== 0 || this.words[2 * slot + 1] !== 0) return Seen.Again;
    if (this.stored >= this.maxKeys) return Seen.Unstored;
    this.words[2 * slot] = hi;
    this.words[2 * slot + 1] = lo;
    this.size++;
    if (this.size > (this.mask + 1) * 0.75 && 2 * (this.mask + 1) <= this.maxSlots) this.grow();
    return Seen.New;
  }

  private has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) return this.hasZero;
    const slot = this.find(hi, lo);
    return this.words[2 * slot] !== 0 || this.words[2 * slot + 1] !== 0;
  }

  /** The slot holding the key, or the empty slot where it would go (linear probing). */
  private find(hi: number, lo: number): number {
    const w = this.words;
    let s = mix(hi, lo) & this.mask;
    for (;;) {
      const a = w[2 * s]!;
      const b = w[2 * s + 1]!;
      if ((a === hi && b === lo) || (a === 0 && b === 0)) return s;
      s = (s + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.words;
    this.words = new Int32Array(old.length * 2);
    this.mask = this.words.length / 2 - 1;
    for (let s = 0; s < old.length; s += 2) {
      const hi = old[s]!;
      const lo = old[s + 1]!;
      if (hi === 0 && lo === 0) continue;
      const t = this.find(hi, lo);
      this.words[2 * t] = hi;
      this.words[2 * t + 1] = lo;
    }
  }
}

const pair: [number, number] = [0, 0];

/** A safe integer as its Int64 words (hi, lo). The returned pair is reused. */
export function splitWords(v: number): [number, number] {
  const hi = Math.floor(v / 4294967296);
  pair[0] = hi | 0;
  pair[1] = (v - hi * 4294967296) | 0;
  return pair;
}

/** murmur3's fmix32 over both words. */
export function mix(hi: number, lo: number): number {
  let h = lo ^ Math.imul(hi ^ (hi >>> 16), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
