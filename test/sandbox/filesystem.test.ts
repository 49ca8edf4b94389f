/**
 * Filesystem grants: only granted preopens, read-only really read-only, and no way out
 * through "..", absolute paths or symlinks. The probe is a Rust plugin using std::fs
 * (wasi-libc and the preview1 adapter), plus raw wasi:filesystem calls.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runProbe } from '../helpers/probe.js';
import { tempDir } from '../helpers/fixtures.js';

let root: string;
let data: string;
let out: string;
let outside: string;
let caps: Record<string, unknown>;

beforeEach(() => {
  root = tempDir('dativo-fs-');
  data = join(root, 'data');
  out = join(root, 'out');
  outside = join(root, 'outside');
  for (const d of [data, join(data, 'sub'), out, outside]) mkdirSync(d, { recursive: true });
  writeFileSync(join(data, 'in.txt'), 'granted data');
  writeFileSync(join(outside, 'secret.txt'), 'TOP SECRET');
  symlinkSync('../outside/secret.txt', join(data, 'link-out'));
  symlinkSync('../outside', join(data, 'dir-out'));
  symlinkSync('in.txt', join(data, 'link-in'));
  caps = {
    filesystem: [
      { guest: '/data', host: data, access: 'read' },
      { guest: '/out', host: out, access: 'read-write' },
    ],
  };
});

const probe = (config: Record<string, unknown>) => runProbe(config, { capabilities: caps, onDenial: 'report' });
const strict = (config: Record<string, unknown>) => runProbe(config, { capabilities: caps });

describe('granted filesystem access works', () => {
  it('reads a file in a read-only grant', async () => {
    expect((await probe({ action: 'read-file', path: '/data/in.txt' })).report).toEqual({ action: 'read-file', ok: true, value: 'granted data' });
  });
  it('follows a symlink that stays inside the grant', async () => {
    expect((await probe({ action: 'read-file', path: '/data/link-in' })).report).toMatchObject({ ok: true, value: 'granted data' });
  });
  it('lists a granted directory', async () => {
    expect((await probe({ action: 'list-dir', path: '/data' })).report?.value).toEqual(['dir-out', 'in.txt', 'link-in', 'link-out', 'sub']);
  });
  it('writes, appends, renames, removes and creates directories in a read-write grant', async () => {
    expect((await probe({ action: 'write-file', path: '/out/a.txt', content: 'one' })).report?.ok).toBe(true);
    expect((await probe({ action: 'append-file', path: '/out/a.txt', content: '+two' })).report?.ok).toBe(true);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('one+two');
    expect((await probe({ action: 'rename', from: '/out/a.txt', to: '/out/b.txt' })).report?.ok).toBe(true);
    expect((await probe({ action: 'mkdir', path: '/out/dir' })).report?.ok).toBe(true);
    expect((await probe({ action: 'remove', path: '/out/b.txt' })).report?.ok).toBe(true);
    expect(existsSync(join(out, 'b.txt'))).toBe(false);
    expect(existsSync(join(out, 'dir'))).toBe(true);
  });
});

describe('a read-only grant refuses every write', () => {
  it.each([
    ['write-file', { path: '/data/new.txt', content: 'x' }],
    ['write-file', { path: '/data/in.txt', content: 'overwritten' }],
    ['append-file', { path: '/data/in.txt', content: 'x' }],
    ['truncate', { path: '/data/in.txt' }],
    ['mkdir', { path: '/data/newdir' }],
    ['remove', { path: '/data/in.txt' }],
    ['rename', { from: '/data/in.txt', to: '/data/moved.txt' }],
    ['rename', { from: '/data/in.txt', to: '/out/stolen.txt' }],
    ['symlink', { target: 'in.txt', link: '/data/new-link' }],
  ])('%s %j', async (action, params) => {
    const r = await probe({ action, ...params });
    expect(r.report?.ok).toBe(false);
    const denial = r.logs.audits('capability.denied')[0];
    expect(denial).toMatchObject({ code: 'CAPABILITY_DENIED', capability: 'filesystem', plugin: 'probe-rust' });
    expect(String(denial?.allowWith)).toContain('access: read-write');
    expect(readFileSync(join(data, 'in.txt'), 'utf8')).toBe('granted data');
    expect(existsSync(join(data, 'new.txt')) || existsSync(join(data, 'newdir')) || existsSync(join(out, 'stolen.txt'))).toBe(false);
  });

  it('fails the call with CAPABILITY_DENIED by default', async () => {
    const r = await strict({ action: 'write-file', path: '/data/new.txt', content: 'x' });
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(r.error?.message).toMatch(/probe-rust.*filesystem.*\/data\/new\.txt/);
  });
});

describe('no path leaves its preopen', () => {
  it.each([
    ['.. above the grant', { action: 'read-file', path: '/data/../outside/secret.txt' }],
    ['.. from a subdirectory', { action: 'read-file', path: '/data/sub/../../outside/secret.txt' }],
    ['a symlink to a file outside', { action: 'read-file', path: '/data/link-out' }],
    ['a symlink to a directory outside', { action: 'read-file', path: '/data/dir-out/secret.txt' }],
    ['writing through .. from a read-write grant', { action: 'write-file', path: '/out/../outside/pwned.txt', content: 'x' }],
    ['creating a symlink that points outside', { action: 'symlink', target: '../outside/secret.txt', link: '/out/escape' }],
    ['creating a symlink with an absolute target', { action: 'symlink', target: '/etc/passwd', link: '/out/escape' }],
    ['an absolute path handed to open-at', { action: 'open-at-raw', path: '/etc/passwd' }],
    ['a .. path handed to open-at', { action: 'open-at-raw', path: '../outside/secret.txt' }],
  ])('%s', async (_name, config) => {
    const r = await probe(config);
    expect(r.report?.ok).toBe(false);
    expect(r.report?.value).toBeUndefined();
    expect(r.logs.audits('capability.denied')[0]).toMatchObject({ code: 'CAPABILITY_DENIED', capability: 'filesystem' });
    expect(existsSync(join(outside, 'pwned.txt'))).toBe(false);
    expect(existsSync(join(out, 'escape'))).toBe(false);
  });

  it('an absolute path outside every preopen never reaches the host', async () => {
    // Host paths as they are: no preopen names them, so nothing may come of them.
    const read = await probe({ action: 'read-file', path: join(outside, 'secret.txt') });
    expect(read.report?.ok).toBe(false);
    expect(read.report?.value).toBeUndefined();
    const write = await probe({ action: 'write-file', path: join(outside, 'pwned.txt'), content: 'x' });
    expect(write.report?.ok).toBe(false);
    expect(existsSync(join(outside, 'pwned.txt'))).toBe(false);
    const overwrite = await probe({ action: 'write-file', path: join(outside, 'secret.txt'), content: 'x' });
    expect(overwrite.report?.ok).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
  });

  it('nothing at all without a grant', async () => {
    const r = await runProbe({ action: 'list-dir', path: '/' }, { onDenial: 'report' });
    expect(r.report?.ok).toBe(false);
  });
});

describe('policy narrows the manifest', () => {
  it('a job policy makes a read-write grant read-only', async () => {
    const r = await runProbe(
      { action: 'write-file', path: '/out/x.txt', content: 'x' },
      { capabilities: caps, policy: { filesystem: [{ host: root, access: 'read' }] } },
    );
    expect(r.error?.code).toBe('CAPABILITY_DENIED');
    expect(existsSync(join(out, 'x.txt'))).toBe(false);
    expect(r.logs.audits('grant.narrowed')).toHaveLength(1);
  });
});
