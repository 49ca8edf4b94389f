/**
 * Filesystem escapes beyond paths: symlinks moved (rename, hard link) to where their
 * target leaves the grant, special files that would block the host, and descriptors a
 * guest opens without ever dropping them. Real Rust probe plugins, real host files.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runProbe } from '../helpers/probe.js';
import { tempDir } from '../helpers/fixtures.js';
import { MAX_OPEN_HANDLES } from '../../host/src/capabilities/handle-budget.js';

let root: string;
let out: string;
let caps: Record<string, unknown>;

beforeEach(() => {
  root = tempDir('dativo-fs-hard-');
  out = join(root, 'out');
  mkdirSync(out);
  // Outside the grant, where `../x` from the grant's root leads.
  writeFileSync(join(root, 'x'), 'TOP SECRET');
  caps = { filesystem: [{ guest: '/out', host: out, access: 'read-write' }] };
});

/** Should an open have blocked on the FIFO after all, releases it so this process can exit. */
const releaseFifo = (fifo: string) => {
  for (const flags of [constants.O_WRONLY, constants.O_RDONLY]) {
    try {
      closeSync(openSync(fifo, flags | constants.O_NONBLOCK));
    } catch {
      // no one waiting on this end
    }
  }
};

const probe = (config: Record<string, unknown>) => runProbe(config, { capabilities: caps, onDenial: 'report' });
const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

describe('a symlink moved to where its target leaves the grant', () => {
  beforeEach(async () => {
    expect((await probe({ action: 'mkdir', path: '/out/a' })).report?.ok).toBe(true);
    // a/l -> ../x is out/x: inside the grant, so symlink-at allows it.
    expect((await probe({ action: 'symlink', target: '../x', link: '/out/a/l' })).report?.ok).toBe(true);
  });

  it.each([
    ['renamed', { action: 'rename', from: '/out/a/l', to: '/out/l' }, 'rename-at'],
    ['hard-linked', { action: 'hardlink', from: '/out/a/l', to: '/out/l' }, 'link-at'],
  ])('is refused when %s to the root, and nothing outside is read through it', async (_how, move, api) => {
    const moved = await probe(move);
    expect(moved.report?.ok).toBe(false);
    expect(moved.logs.audits('capability.denied')[0]).toMatchObject({
      capability: 'filesystem', api: `wasi:filesystem/types.descriptor.${api}`, target: '/out/l -> ../x',
    });
    expect(exists(join(out, 'l'))).toBe(false);
    expect(exists(join(out, 'a', 'l'))).toBe(true);
    const read = await probe({ action: 'read-file', path: '/out/l' });
    expect(read.report?.ok).toBe(false);
    expect(read.report?.value).toBeUndefined();
  });

  it('is refused when the folder holding it is renamed up a level', async () => {
    expect((await probe({ action: 'mkdir', path: '/out/a/b' })).report?.ok).toBe(true);
    expect((await probe({ action: 'symlink', target: '../../x', link: '/out/a/b/l' })).report?.ok).toBe(true);
    const moved = await probe({ action: 'rename', from: '/out/a/b', to: '/out/b' });
    expect(moved.report?.ok).toBe(false);
    expect(moved.logs.audits('capability.denied')[0]).toMatchObject({ target: '/out/b/l -> ../../x' });
    expect(exists(join(out, 'b'))).toBe(false);
    expect((await probe({ action: 'read-file', path: '/out/b/l' })).report?.value).toBeUndefined();
  });

  it('symlink-at judges a target as the kernel follows it: `..` after a link that points up', async () => {
    expect((await probe({ action: 'mkdir', path: '/out/a/b' })).report?.ok).toBe(true);
    expect((await probe({ action: 'symlink', target: '..', link: '/out/a/b/up' })).report?.ok).toBe(true);
    // Lexically a/b/up/../../x is out/a/x; followed, up is out/a, so it is the x outside.
    const r = await probe({ action: 'symlink', target: 'up/../../x', link: '/out/a/b/l' });
    expect(r.report?.ok).toBe(false);
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ api: 'wasi:filesystem/types.descriptor.symlink-at' });
    expect(exists(join(out, 'a', 'b', 'l'))).toBe(false);
  });

  it('is allowed where the target stays inside', async () => {
    writeFileSync(join(out, 'x'), 'granted');
    const moved = await probe({ action: 'rename', from: '/out/a/l', to: '/out/a/l2' });
    expect(moved.report?.ok).toBe(true);
    expect((await probe({ action: 'read-file', path: '/out/a/l2' })).report).toMatchObject({ ok: true, value: 'granted' });
    expect((await probe({ action: 'hardlink', from: '/out/a/l2', to: '/out/a/l3' })).report?.ok).toBe(true);
    expect(lstatSync(join(out, 'a', 'l3')).isSymbolicLink()).toBe(true);
  });
});

describe('special files in a grant', () => {
  it('a FIFO is refused, not opened: the call returns and the host is not blocked', async () => {
    const fifo = join(out, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const limits = { call_timeout_ms: 5_000 };
    try {
      const r = await runProbe({ action: 'read-file', path: '/out/pipe' }, { capabilities: caps, onDenial: 'report', limits });
      expect(r.error).toBeUndefined();
      expect(r.report?.ok).toBe(false);
      expect(r.logs.audits('capability.denied')[0]).toMatchObject({ capability: 'filesystem', target: '/out/pipe', reason: expect.stringMatching(/FIFO/) });
      const strict = await runProbe({ action: 'write-file', path: '/out/pipe', content: 'x' }, { capabilities: caps, limits });
      expect(strict.error?.code).toBe('CAPABILITY_DENIED');
    } finally {
      releaseFifo(fifo);
    }
  });
});

describe('special files the shim would reach another way than the kernel', () => {
  it('a FIFO behind a link whose text has `..` after a link is refused too', async () => {
    // The kernel follows a/b/l -> up/../p through up (-> a) to out/p, a regular file; the
    // shim drops the `..` first and opens a/b/p, the FIFO.
    mkdirSync(join(out, 'a', 'b'), { recursive: true });
    writeFileSync(join(out, 'p'), 'regular');
    const fifo = join(out, 'a', 'b', 'p');
    execFileSync('mkfifo', [fifo]);
    const limits = { call_timeout_ms: 5_000 };
    try {
      expect((await probe({ action: 'symlink', target: '..', link: '/out/a/b/up' })).report?.ok).toBe(true);
      expect((await probe({ action: 'symlink', target: 'up/../p', link: '/out/a/b/l' })).report?.ok).toBe(true);
      const r = await runProbe({ action: 'read-file', path: '/out/a/b/l' }, { capabilities: caps, onDenial: 'report', limits });
      expect(r.error).toBeUndefined();
      expect(r.report?.ok).toBe(false);
      expect(r.logs.audits('capability.denied')[0]).toMatchObject({ reason: expect.stringMatching(/FIFO/) });
    } finally {
      releaseFifo(fifo);
    }
  });
});

describe('open handles per instance', () => {
  beforeEach(() => writeFileSync(join(out, 'f.txt'), 'data'));

  it.each(['descriptor', 'stream'])('a guest holding %ss gets a WASI error at the limit, and the host a typed error', async (kind) => {
    const r = await probe({ action: 'open-many', path: 'f.txt', count: 30_000, kind });
    expect(r.report).toMatchObject({ ok: false, error: expect.stringMatching(/^insufficient-memory after \d+$/) });
    // The stream probe holds one descriptor besides its streams.
    expect(r.report?.error).toBe(`insufficient-memory after ${kind === 'stream' ? MAX_OPEN_HANDLES - 1 : MAX_OPEN_HANDLES}`);
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ capability: 'filesystem', reason: expect.stringMatching(/open filesystem handles/) });
    const strict = await runProbe({ action: 'open-many', path: 'f.txt', count: 30_000, kind }, { capabilities: caps });
    expect(strict.error?.code).toBe('CAPABILITY_DENIED');
    expect(readFileSync(join(out, 'f.txt'), 'utf8')).toBe('data');
  });

  it('a guest subscribing to one stream over and over is stopped at the limit (subscribe cannot fail: a trap)', async () => {
    const r = await runProbe({ action: 'open-many', path: 'f.txt', count: 30_000, kind: 'pollable' }, { capabilities: caps });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ api: 'wasi:filesystem/types.descriptor.subscribe', reason: expect.stringMatching(/open filesystem handles/) });
    const under = await probe({ action: 'open-many', path: 'f.txt', count: 100, kind: 'pollable' });
    expect(under.report).toMatchObject({ ok: true, value: 100 });
  });

  it('a guest under the limit is not refused, and what it drops is given back', async () => {
    const r = await probe({ action: 'open-many', path: 'f.txt', count: 200 });
    expect(r.report).toMatchObject({ ok: true, value: 200 });
    for (const kind of ['descriptor', 'stream']) {
      const dropping = await runProbe({ action: 'open-many', path: 'f.txt', count: 3 * MAX_OPEN_HANDLES, kind, drop: true }, { capabilities: caps });
      expect(dropping.report).toMatchObject({ ok: true, value: 3 * MAX_OPEN_HANDLES });
    }
    expect(existsSync(join(out, 'f.txt'))).toBe(true);
  });
});
