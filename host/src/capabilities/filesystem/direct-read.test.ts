import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectRead } from './direct-read.js';

const text = (r: [Uint8Array, boolean] | undefined) => (r ? [Buffer.from(r[0]).toString(), r[1]] : r);

describe('direct reads of a granted file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'direct-read-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads at an offset, short at the end, and eof only when nothing is left', () => {
    writeFileSync(join(dir, 'f.csv'), 'abcdef');
    const d = DirectRead.at(join(dir, 'f.csv'), false)!;
    expect(text(d.read(3n, 0n))).toEqual(['abc', false]);
    expect(text(d.read(10n, 4n))).toEqual(['ef', false]);
    expect(text(d.read(10n, 6n))).toEqual(['', true]);
  });

  it('falls back (undefined) once the path holds another file than the one opened', () => {
    writeFileSync(join(dir, 'f.csv'), 'original');
    writeFileSync(join(dir, 'other'), 'replaced');
    const d = DirectRead.at(join(dir, 'f.csv'), false)!;
    renameSync(join(dir, 'other'), join(dir, 'f.csv'));
    expect(d.read(8n, 0n)).toBeUndefined();
  });

  it('does not follow a symlink swapped in for a file opened without following', () => {
    writeFileSync(join(dir, 'f.csv'), 'original');
    const d = DirectRead.at(join(dir, 'f.csv'), false)!;
    rmSync(join(dir, 'f.csv'));
    writeFileSync(join(dir, 'secret'), 'secret');
    symlinkSync(join(dir, 'secret'), join(dir, 'f.csv'));
    expect(d.read(8n, 0n)).toBeUndefined();
  });

  it('reads through a symlink only when the open followed it, and checks the target it had', () => {
    writeFileSync(join(dir, 'target'), 'through');
    symlinkSync('target', join(dir, 'link'));
    expect(DirectRead.at(join(dir, 'link'), false)).toBeUndefined(); // not a regular file itself
    const d = DirectRead.at(join(dir, 'link'), true)!;
    expect(text(d.read(7n, 0n))).toEqual(['through', false]);
  });

  it('is not used for directories, FIFOs or missing paths', () => {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(DirectRead.at(dir, true)).toBeUndefined();
    expect(DirectRead.at(join(dir, 'pipe'), true)).toBeUndefined();
    expect(DirectRead.at(join(dir, 'missing'), true)).toBeUndefined();
  });

  it('caps one read at 16 MiB however much the guest asks for', () => {
    writeFileSync(join(dir, 'big'), Buffer.alloc(17 * 2 ** 20, 1));
    const d = DirectRead.at(join(dir, 'big'), false)!;
    const [bytes, eof] = d.read(2n ** 40n, 0n)!;
    expect(bytes.byteLength).toBe(16 * 2 ** 20);
    expect(eof).toBe(false);
  });
});
