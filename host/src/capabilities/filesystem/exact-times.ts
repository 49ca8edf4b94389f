import { lstatSync, statSync } from 'node:fs';

/* WIT values as jco passes them. */
export interface Datetime { seconds: bigint; nanoseconds: number }
export type NewTimestamp = { tag: 'no-change' } | { tag: 'now' } | { tag: 'timestamp'; val: Datetime };
interface Stat { dataAccessTimestamp?: Datetime; dataModificationTimestamp?: Datetime; [k: string]: unknown }

const NS = 1_000_000_000n;
const toNs = (d: Datetime): bigint => d.seconds * NS + BigInt(d.nanoseconds);
const fromNs = (ns: bigint): Datetime => ({ seconds: ns / NS, nanoseconds: Number(ns % NS) });
const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** What one set-times wrote: per time, the value on disk and the one the guest asked for. */
interface Written { atime: [bigint, bigint]; mtime: [bigint, bigint] }

/**
 * Nanosecond set-times over Node's fs, which cannot write them: utimes/futimes take
 * seconds as a double and libuv keeps whole microseconds. The guest asked for exact
 * times; what it set is remembered per file (device, inode) with what landed on disk,
 * and a stat that still finds those disk values reports the asked-for ones. Anything
 * that changes either time on disk (a write, another set-times, another process) ends
 * that. It only ever reports times the guest itself set, on its own granted files.
 *
 * The shim's own set-times also mishandles no-change and now (it takes them from the
 * folder, or in the wrong unit): every tag is made an explicit time here first.
 */
export class ExactTimes {
  readonly #written = new Map<string, Written>();

  /**
   * Explicit times for a set-times: no-change is the current value (`current`: the stat as
   * the guest sees it, through apply), now is the clock.
   */
  resolve(current: Stat, atime: NewTimestamp, mtime: NewTimestamp): { atime: bigint; mtime: bigint } {
    const pick = (t: NewTimestamp, cur: Datetime | undefined): bigint => {
      if (t.tag === 'timestamp') return toNs(t.val);
      if (t.tag === 'now') return nowNs();
      return cur ? toNs(cur) : nowNs();
    };
    return {
      atime: pick(atime, current.dataAccessTimestamp),
      mtime: pick(mtime, current.dataModificationTimestamp),
    };
  }

  /**
   * After a set-times of `atime`/`mtime` on `host` (its last link followed or not). Not
   * remembered unless `host` now holds those times to the microsecond (it is that file).
   */
  record(host: string, follow: boolean, atime: bigint, mtime: bigint): void {
    let s;
    try {
      s = follow ? statSync(host, { bigint: true }) : lstatSync(host, { bigint: true });
    } catch {
      return;
    }
    const near = (disk: bigint, asked: bigint) => disk - asked < 2000n && asked - disk < 2000n;
    if (!near(s.atimeNs, atime) || !near(s.mtimeNs, mtime)) return;
    this.#written.set(`${s.dev}:${s.ino}`, { atime: [s.atimeNs, atime], mtime: [s.mtimeNs, mtime] });
  }

  /** A stat of `host` as the guest should see it. */
  apply<T extends Stat>(host: string, follow: boolean, stat: T): T {
    if (this.#written.size === 0) return stat;
    let s;
    try {
      s = follow ? statSync(host, { bigint: true }) : lstatSync(host, { bigint: true });
    } catch {
      return stat;
    }
    const w = this.#written.get(`${s.dev}:${s.ino}`);
    if (!w || !stat.dataAccessTimestamp || !stat.dataModificationTimestamp) return stat;
    const a = toNs(stat.dataAccessTimestamp);
    const m = toNs(stat.dataModificationTimestamp);
    if (a !== w.atime[0] || m !== w.mtime[0]) return stat;
    const exact = { dataAccessTimestamp: fromNs(w.atime[1]), dataModificationTimestamp: fromNs(w.mtime[1]) };
    return { ...stat, ...exact };
  }
}

/** A WIT timestamp for a time in ns. */
export const timestampOf = (ns: bigint): NewTimestamp => ({ tag: 'timestamp', val: fromNs(ns) });

/**
 * The same time for the shim's descriptor set-times, which hands its millisecond value
 * to futimes as seconds (preview2-shim 0.26): a timestamp a thousand times smaller.
 */
export const timestampForShimFutimes = (ns: bigint): NewTimestamp =>
  ({ tag: 'timestamp', val: { seconds: 0n, nanoseconds: Number(ns) / 1000 } });
