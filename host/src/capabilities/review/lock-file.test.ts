import { mkdtempSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLock, updateLock } from './lock-file.js';

const lockFile = () => join(mkdtempSync(join(tmpdir(), 'dativo-lock-')), 'plugins.lock.yaml');
const revocation = (i: number) => ({ name: `p${i}`, version: '0.1.0', sha256: String(i).padStart(64, '0'), revoked_at: '2026-01-01T00:00:00.000Z' });

describe('updateLock', () => {
  it('serialises concurrent updates: none is lost', async () => {
    const file = lockFile();
    await Promise.all(Array.from({ length: 8 }, (_, i) => updateLock(file, (l) => void l.revocations.push(revocation(i)))));
    expect(readLock(file).revocations.map((r) => r.name).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('waits for a held guard, gives up with REVIEW_LOCK_BUSY, takes over a stale one', async () => {
    const file = lockFile();
    writeFileSync(`${file}.lock`, '');
    await expect(updateLock(file, () => undefined, 200)).rejects.toMatchObject({ code: 'REVIEW_LOCK_BUSY' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    await updateLock(file, (l) => void l.revocations.push(revocation(1)), 200);
    expect(readLock(file).revocations).toHaveLength(1);
  });

  it('an update that throws writes nothing and releases the guard', async () => {
    const file = lockFile();
    await expect(updateLock(file, () => { throw new Error('no'); })).rejects.toThrow('no');
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
