import { mkdtempSync, statSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExactTimes, timestampForShimFutimes, type Datetime } from './exact-times.js';

const dt = (ns: bigint): Datetime => ({ seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) });
/** What the shim reports: the file's times on disk. */
const shimStat = (file: string) => {
  const s = statSync(file, { bigint: true });
  return { dataAccessTimestamp: dt(s.atimeNs), dataModificationTimestamp: dt(s.mtimeNs) };
};
/** What Node can write: seconds as a double (libuv keeps whole microseconds). */
const nodeSet = (file: string, atime: bigint, mtime: bigint) =>
  utimesSync(file, Number(atime) / 1e9, Number(mtime) / 1e9);

describe('ExactTimes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dativo-exact-times-'));
  const asked = 1_796_119_844_830_103_860n; // not a whole microsecond

  it('Node alone cannot write a nanosecond time (why this exists)', () => {
    const f = join(dir, 'plain');
    writeFileSync(f, 'x');
    nodeSet(f, asked, asked);
    expect(statSync(f, { bigint: true }).mtimeNs).not.toBe(asked);
  });

  it('reports the times the guest set while the file keeps them', () => {
    const f = join(dir, 'a');
    writeFileSync(f, 'x');
    const times = new ExactTimes();
    const before = shimStat(f);
    const t = times.resolve(before, { tag: 'no-change' }, { tag: 'timestamp', val: dt(asked) });
    expect(t.mtime).toBe(asked);
    nodeSet(f, t.atime, t.mtime);
    times.record(f, true, t.atime, t.mtime);
    const seen = times.apply(f, true, shimStat(f));
    expect(seen.dataModificationTimestamp).toEqual(dt(asked));
    expect(seen.dataAccessTimestamp).toEqual(before.dataAccessTimestamp);
  });

  it('reports the disk once the file changed', () => {
    const f = join(dir, 'b');
    writeFileSync(f, 'x');
    const times = new ExactTimes();
    nodeSet(f, asked, asked);
    times.record(f, true, asked, asked);
    appendFileSync(f, 'more');
    utimesSync(f, new Date(), new Date()); // mtime moves, as a write does
    expect(times.apply(f, true, shimStat(f))).toEqual(shimStat(f));
  });

  it('remembers nothing when the file does not hold the times asked for', () => {
    const f = join(dir, 'c');
    writeFileSync(f, 'x');
    const times = new ExactTimes();
    times.record(f, true, asked, asked); // never written
    expect(times.apply(f, true, shimStat(f))).toEqual(shimStat(f));
  });

  it('a timestamp for the shim descriptor set-times is its time in seconds once in ms', () => {
    const t = timestampForShimFutimes(asked);
    if (t.tag !== 'timestamp') throw new Error('not a timestamp');
    // The shim computes seconds * 1000 + nanoseconds / 1e6 and hands it to futimes as seconds.
    expect(Number(t.val.seconds) * 1000 + t.val.nanoseconds / 1e6).toBeCloseTo(Number(asked) / 1e9, 6);
  });
});
