/**
 * `dativo-host exec`: a wasi:cli/command component in the sandbox, as `wasmtime run`
 * runs it. The component is a plain std Rust program (no bindings of ours), built for
 * wasm32-wasip1 and wrapped with the preview1 command adapter.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../host/src/runtime/run-command.js';
import { fixture, tempDir } from '../helpers/fixtures.js';
import { runCli } from '../helpers/run-cli.js';

let hello: string;
let dir: string;
beforeAll(() => {
  hello = fixture('rust', 'hello-command');
  dir = tempDir('dativo-exec-');
  mkdirSync(join(dir, 'in'));
  mkdirSync(join(dir, 'out'));
  writeFileSync(join(dir, 'in', 'note.txt'), 'from the host');
});

const capture = () => {
  const chunks: Uint8Array[] = [];
  return { sink: (b: Uint8Array) => chunks.push(b), text: () => Buffer.concat(chunks).toString('utf8') };
};

describe('runCommand (library)', () => {
  it('runs a command: stdout, stderr and exit code are its own', async () => {
    const out = capture();
    const err = capture();
    const code = await runCommand({ component: hello, args: ['a', 'b'], stdout: out.sink, stderr: err.sink });
    expect(code).toBe(0);
    expect(out.text()).toContain('hello from wasm');
    expect(out.text()).toContain('a');
    expect(err.text()).toContain('to stderr');
  });

  it('passes the exit code through', async () => {
    expect(await runCommand({ component: hello, args: ['exit=3'], stdout: () => {}, stderr: () => {} })).toBe(3);
  });

  it('reads a file only through a --dir grant', async () => {
    const out = capture();
    expect(await runCommand({ component: hello, args: ['cat', '/in/note.txt'], dirs: [{ host: join(dir, 'in'), guest: '/in', readOnly: true }], stdout: out.sink, stderr: () => {} })).toBe(0);
    expect(out.text()).toContain('from the host');
    const none = await runCommand({ component: hello, args: ['cat', '/in/note.txt'], stdout: () => {}, stderr: () => {} });
    expect(none).not.toBe(0);
  });

  it('cannot write into a :ro directory', async () => {
    const code = await runCommand({ component: hello, args: ['write', '/in/new.txt', 'x'], dirs: [{ host: join(dir, 'in'), guest: '/in', readOnly: true }], stdout: () => {}, stderr: () => {} });
    expect(code).not.toBe(0);
    expect(existsSync(join(dir, 'in', 'new.txt'))).toBe(false);
  });

  it('sees only the --env it was given', async () => {
    const out = capture();
    await runCommand({ component: hello, args: ['env', 'GREETING'], env: [['GREETING', 'hi there']], stdout: out.sink, stderr: () => {} });
    expect(out.text()).toContain('hi there');
  });
});

describe('dativo-host exec (CLI)', () => {
  it('runs with flags and returns the exit code', () => {
    const r = runCli(['exec', hello, '--dir', `${join(dir, 'out')}::/out`, '--', 'write', '/out/w.txt', 'written']);
    expect(r.stderr).toContain('to stderr');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('hello from wasm');
    expect(readFileSync(join(dir, 'out', 'w.txt'), 'utf8')).toBe('written');
  });

  it('exit code of the component is the exit code of dativo-host', () => {
    expect(runCli(['exec', hello, '--', 'exit=7']).status).toBe(7);
  });

  it('a usage error exits 2 with the help text', () => {
    const r = runCli(['exec', hello, '--dir', 'no-separator']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('HOST::GUEST');
  });

  it('refuses a non-command component', () => {
    const r = runCli(['exec', fixture('rust', 'probe-reader')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PLUGIN_NOT_A_COMMAND');
  });
});
