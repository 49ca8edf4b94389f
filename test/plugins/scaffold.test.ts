/**
 * `dativo-host plugin init` then `dativo-host plugin test`, with no edit in between:
 * the scaffolded crate (outside the repository, so it must build standalone with its
 * own [workspace]) builds into a component and passes its lifecycle in the sandbox.
 * Both kinds share one cargo target dir (SCAFFOLD_TARGET_DIR: the cache dir's test-scaffold-target/), so only the
 * first build compiles the standard library and wit-bindgen.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import { REPO, SCAFFOLD_TARGET_DIR, tempDir } from '../helpers/fixtures.js';

const TARGET_DIR = SCAFFOLD_TARGET_DIR;

function cli(args: string[], cwd = REPO): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DATIVO_LOG_LEVEL: 'warn', CARGO_TARGET_DIR: TARGET_DIR },
    timeout: 600_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('plugin init + plugin test (Rust)', () => {
  it('a scaffolded reader builds and passes plugin test unchanged', () => {
    const dir = join(tempDir('dativo-init-'), 'hello-reader');
    const init = cli(['plugin', 'init', 'hello-reader', '--lang', 'rust', '--kind', 'reader', '--dir', dir]);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    expect(readFileSync(join(dir, 'Cargo.toml'), 'utf8')).toMatch(/^\[workspace\]$/m);
    // The SDK by a path relative to the crate (it survives a clone and a reinstall), never absolute.
    const sdkPath = /^dativo-plugin-sdk = \{ path = "([^"]+)" \}$/m.exec(readFileSync(join(dir, 'Cargo.toml'), 'utf8'))?.[1];
    expect(sdkPath).toMatch(/^\.\.\//);
    expect(resolve(dir, sdkPath!)).toBe(join(REPO, 'plugins-rust/dativo-plugin-sdk'));

    const test = cli(['plugin', 'test', dir]);
    if (test.status !== 0) process.stderr.write(test.stderr.slice(-4000));
    expect(test.status).toBe(0);
    for (const step of ['build', 'load', 'spec', 'schema', 'check', 'discover', 'read']) expect(test.stdout).toMatch(new RegExp(`^  ${step} +ok `, 'm'));
    expect(test.stdout).toContain('stream greetings: 1 batch(es), 3 record(s)');
    expect(test.stdout).toContain('checkpoint {"last_id":3}');
    expect(test.stdout).toMatch(/^ok: hello-reader passed 8 steps$/m);

    // plugin test fails (exit 1) when a step fails: here the config is refused by the schema.
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ count: -1 }));
    const bad = cli(['plugin', 'test', dir, '--config', join(dir, 'bad.json'), '--json']);
    expect(bad.status).toBe(1);
    const result = JSON.parse(bad.stdout) as { ok: boolean; steps: Array<{ step: string; ok: boolean; detail: string }> };
    expect(result.ok).toBe(false);
    expect(result.steps.at(-1)).toMatchObject({ step: 'schema', ok: false });
    expect(result.steps.at(-1)!.detail).toContain('count');
  }, 900_000);

  it('a scaffolded writer builds and passes plugin test unchanged (open, write, commit)', () => {
    const dir = join(tempDir('dativo-init-'), 'hello-writer');
    expect(cli(['plugin', 'init', 'hello-writer', '--kind', 'writer', '--dir', dir]).status).toBe(0);
    const test = cli(['plugin', 'test', dir]);
    if (test.status !== 0) process.stderr.write(test.stderr.slice(-4000));
    expect(test.status).toBe(0);
    expect(test.stdout).toMatch(/^ {2}write +ok +3 records as json-lines/m);
    expect(test.stdout).toMatch(/^ {2}commit +ok +3 record\(s\)/m);
    expect(test.stdout).toMatch(/^ok: hello-writer passed 9 steps$/m);
  }, 900_000);

  it('init refuses a non-empty folder and a bad name (exit 2)', () => {
    const dir = tempDir('dativo-init-');
    writeFileSync(join(dir, 'x'), '');
    expect(cli(['plugin', 'init', 'p', '--kind', 'reader', '--dir', dir]).status).toBe(2);
    expect(cli(['plugin', 'init', 'Bad.Name', '--kind', 'reader', '--dir', join(dir, 'y')]).status).toBe(2);
    expect(cli(['plugin', 'init', 'p', '--kind', 'sink', '--dir', join(dir, 'z')]).status).toBe(2);
  });
});

describe('plugin init + plugin test (TypeScript)', () => {
  it.each(['reader', 'writer'] as const)('a scaffolded TypeScript %s builds and passes plugin test unchanged', (kind) => {
    const dir = join(tempDir('dativo-init-ts-'), `hello-ts-${kind}`);
    const init = cli(['plugin', 'init', `hello-ts-${kind}`, '--lang', 'ts', '--kind', kind, '--dir', dir]);
    expect(init.status).toBe(0);
    const sdkImport = /from '([^']+)';/.exec(readFileSync(join(dir, 'src', 'index.ts'), 'utf8'))?.[1];
    expect(sdkImport).toMatch(/^\.\.\//);
    expect(resolve(dir, 'src', sdkImport!)).toBe(join(REPO, 'plugins-ts/sdk/src/index.js'));
    const test = cli(['plugin', 'test', dir]);
    if (test.status !== 0) process.stderr.write(test.stderr.slice(-4000));
    expect(test.status).toBe(0);
    if (kind === 'reader') expect(test.stdout).toContain('stream greetings: 1 batch(es), 3 record(s)');
    else expect(test.stdout).toMatch(/^ {2}write +ok +3 records as json-lines/m);
    expect(test.stdout).toMatch(new RegExp(`^ok: hello-ts-${kind} passed \\d+ steps$`, 'm'));
  }, 900_000);
});
