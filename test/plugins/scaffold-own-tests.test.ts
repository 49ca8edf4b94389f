/**
 * The tests `plugin init` writes with a plugin pass as generated, inside a checkout:
 * `npm test` in a fresh TypeScript writer (vitest on dativo-host/testing from this
 * checkout's dist/) and a fresh Rust writer (cargo test --lib of src/logic.rs with Debian's
 * toolchain alone, then the host test); and they fail when the plugin is broken. The
 * readers' generated tests run from an installed tarball in test/package/install.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { REPO, SCAFFOLD_TARGET_DIR } from '../helpers/fixtures.js';

// Inside the checkout (vitest and the kit are found from there), never committed, and outside
// test/ and host/src/, so that the suite's own globs do not collect the generated tests.
const root = join(REPO, '.scratch', 'scaffold-own-tests');
const bin = join(root, 'bin');
const NPM_CLI = realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
/** Node, npm and Debian's Rust toolchain only: no rustup cargo first on PATH. */
const env = { PATH: bin, RUSTC: '/usr/bin/rustc', RUSTC_BOOTSTRAP: '1', CARGO_TARGET_DIR: SCAFFOLD_TARGET_DIR, DATIVO_LOG_LEVEL: 'warn' };

beforeAll(() => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(bin, { recursive: true });
  for (const [name, target] of [['node', process.execPath], ['npm', NPM_CLI], ['cargo', '/usr/bin/cargo'], ['rustc', '/usr/bin/rustc'], ['cc', '/usr/bin/cc'], ['ld', '/usr/bin/ld'], ['sh', '/bin/sh']]) {
    expect(existsSync(target!), `${target} is missing: bash .ci/install-rust-wasm.sh installs Debian's Rust toolchain`).toBe(true);
    symlinkSync(target!, join(bin, name!));
  }
});

function init(name: string, lang: 'rust' | 'ts'): string {
  const dir = join(root, name);
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'dativo-host.mjs'), 'plugin', 'init', name, '--lang', lang, '--kind', 'writer', '--dir', dir], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

function npmTest(dir: string): { status: number | null; out: string; summary: string | undefined } {
  const r = spawnSync('npm', ['test'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 1_500_000, maxBuffer: 64 * 2 ** 20 });
  const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  if (r.status !== 0) process.stderr.write(`[npm test ${dir}]\n${out.slice(-4000)}\n`);
  return { status: r.status, out, summary: /^\s*Tests\s+(.*)$/m.exec(out)?.[1]?.trim() };
}

describe('plugin init: the generated tests', () => {
  it('a TypeScript writer: npm test passes, and fails when the writer miscounts', () => {
    const dir = init('own-ts-writer', 'ts');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts).toEqual({ test: 'vitest run' });
    expect(readFileSync(join(dir, 'vitest.config.ts'), 'utf8')).toContain('"../../../dist/testing/index.js"');
    expect(npmTest(dir)).toMatchObject({ status: 0, summary: '2 passed (2)' });
    const src = join(dir, 'src', 'index.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace('if (b === 10) records++;', 'if (b === 10) records += 2;'));
    expect(npmTest(dir)).toMatchObject({ status: 1, summary: '1 failed | 1 passed (2)' });
  }, 1_200_000);

  it('a Rust writer: cargo test of its logic and the host test pass, and cargo test fails on broken logic', () => {
    const dir = init('own-rs-writer', 'rust');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts).toEqual({ test: 'cargo test --lib && vitest run' });
    const ok = npmTest(dir);
    expect(ok).toMatchObject({ status: 0, summary: '2 passed (2)' });
    expect(ok.out).toContain('test logic::tests::adds_up_batches ... ok');
    const logic = join(dir, 'src', 'logic.rs');
    writeFileSync(logic, readFileSync(logic, 'utf8').replace('self.bytes += bytes as u64;', ''));
    const broken = npmTest(dir);
    expect(broken.status).not.toBe(0);
    expect(broken.out).toContain('test logic::tests::adds_up_batches ... FAILED');
    expect(broken.summary).toBeUndefined(); // vitest did not run
  }, 1_800_000);
});
