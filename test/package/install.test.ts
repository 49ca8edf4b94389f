/**
 * The installable package: `npm pack` (prepack builds the built-in plugins from source;
 * dist/ is the suite's own build), then `npm install TARBALL` into an empty folder from the npm
 * cache, and the installed CLI there with Node alone on PATH (no cargo, no checkout):
 * the example job, and a TypeScript plugin from `plugin init` through `plugin test`.
 * A Rust scaffold in the installed folder builds with the machine's cargo. dativo-host/testing
 * from the installed package (runTestJob on the example job), and each scaffold's own
 * `npm test` (vitest installed next to dativo-host, as docs/testing-plugins.md says).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { REPO, SCAFFOLD_TARGET_DIR, tempDir } from '../helpers/fixtures.js';
import { readRows } from '../helpers/job.js';

const work = tempDir('dativo-package-');
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'dativo-host');
/** A PATH holding node alone: what a machine without Rust (or a checkout) has. */
const nodeOnly = join(work, 'node-bin');

function run(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; timeout?: number }): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: opts.timeout ?? 600_000, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) process.stderr.write(`$ ${cmd} ${args.join(' ')}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}\n`);
  return r;
}

/** The installed CLI (node_modules/.bin/dativo-host), with node alone on PATH. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  run(join(app, 'node_modules', '.bin', 'dativo-host'), args, { cwd: app, env: { PATH: nodeOnly, DATIVO_LOG_LEVEL: 'warn', ...env } });

let tarball = '';
/** npm's own entry (npm on PATH is a link to it), for a node-only PATH. */
const NPM_CLI = realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
const VITEST_VERSION = (JSON.parse(readFileSync(join(REPO, 'node_modules', 'vitest', 'package.json'), 'utf8')) as { version: string }).version;

/** A scaffold's own `npm test`; the vitest summary line of its result. */
function npmTest(dir: string, env: Record<string, string>, timeout = 900_000): { status: number | null; summary: string } {
  const r = run('npm', ['test'], { cwd: dir, env: { DATIVO_LOG_LEVEL: 'warn', ...env }, timeout });
  const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  return { status: r.status, summary: /^\s*Tests\s+(.*)$/m.exec(plain)?.[1]?.trim() ?? plain.slice(-500) };
}

beforeAll(() => {
  // The prepack script as `npm pack` runs it; the pack itself with --ignore-scripts, so that
  // prepare does not rebuild dist/ (the suite's pretest built it) under the feet of other
  // test files running the CLI from dist/ at the same time.
  expect(run('npm', ['run', '--silent', 'prepack'], { cwd: REPO, timeout: 900_000 }).status).toBe(0);
  const packed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: REPO });
  expect(packed.status).toBe(0);
  const report = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  tarball = join(work, report[0]!.filename);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  // --prefer-offline: from the npm cache where it has the packages (CI machines ran npm ci).
  // With vitest, which the scaffolds' own tests run on and a project installs next to
  // dativo-host. One install: a second `npm install` into this folder drops the top-level
  // preview2-shim that componentize-js imports without declaring it (npm 11; a known gap).
  const install = run('npm', ['install', tarball, `vitest@${VITEST_VERSION}`, '--save-dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, timeout: 600_000 });
  expect(install.status).toBe(0);
  mkdirSync(nodeOnly);
  symlinkSync(process.execPath, join(nodeOnly, 'node'));
  // npm and sh too, for the scaffolds' own `npm test` (npm's shebang finds node on PATH).
  symlinkSync(NPM_CLI, join(nodeOnly, 'npm'));
  symlinkSync('/bin/sh', join(nodeOnly, 'sh'));
}, 1_500_000);

describe('npm pack + npm install into an empty folder', () => {
  it('the tarball has the prebuilt plugins and their digests, and no test/, bench/ or .ci/', () => {
    const list = run('tar', ['tzf', tarball], { cwd: work });
    expect(list.status).toBe(0);
    const files = list.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const dir of ['test/', 'bench/', '.ci/', 'host/', 'plugins-rust/target/']) expect(files.filter((f) => f.startsWith(dir))).toEqual([]);
    const prebuilt = JSON.parse(readFileSync(join(installed, 'dist', 'prebuilt.json'), 'utf8')) as Array<{ name: string; manifest: string; sha256: string }>;
    expect(prebuilt.map((p) => p.name).sort()).toEqual(['csv-reader', 'jsonl-reader', 'jsonl-writer', 'jsonl-writer-ts', 'log-writer-ts', 'postgres-reader', 'rest-api-reader', 'rest-api-reader-ts']);
    for (const p of prebuilt) {
      expect(files).toContain(p.manifest);
      expect(readFileSync(join(installed, p.manifest), 'utf8')).toContain(`sha256: ${p.sha256}`);
    }
    // No install-time build: prepare does nothing outside a checkout (no host/ sources).
    expect(existsSync(join(installed, 'host'))).toBe(false);
  });

  it('runs the example job with the installed CLI and Node alone on PATH', () => {
    expect(spawnSync('cargo', ['--version'], { env: { PATH: nodeOnly } }).error).toBeDefined();
    const data = join(installed, 'examples', 'data', 'orders.csv');
    mkdirSync(dirname(data), { recursive: true });
    expect(run(join(nodeOnly, 'node'), [join(installed, 'examples', 'generate-orders.mjs'), '--rows', '2000', '--out', data], { cwd: app }).status).toBe(0);
    const env = { DATIVO_EXAMPLE_OUT: join(work, 'out'), DATIVO_EXAMPLE_STATE: join(work, 'state') };
    const job = join(installed, 'examples', 'jobs', 'orders-csv-to-parquet.yaml');
    expect(cli(['run', job], env).status).toBe(0);
    const rows = readRows(join(work, 'out'));
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => Number(r.order_id))).size).toBe(2000);
    // Incremental: a second run loads nothing new.
    expect(cli(['run', job], env).status).toBe(0);
    expect(readRows(join(work, 'out'))).toHaveLength(2000);
  }, 300_000);

  it('plugin init, build and test a TypeScript reader there, with Node alone', () => {
    const dir = join(app, 'plugins', 'pkg-ts-reader');
    expect(cli(['plugin', 'init', 'pkg-ts-reader', '--lang', 'ts', '--kind', 'reader', '--dir', dir]).status).toBe(0);
    const sdkImport = /from '([^']+)';/.exec(readFileSync(join(dir, 'src', 'index.ts'), 'utf8'))?.[1];
    expect(sdkImport).toBe('../../../node_modules/dativo-host/plugins-ts/sdk/src/index.js');
    const test = cli(['plugin', 'test', dir]);
    expect(test.status).toBe(0);
    expect(test.stdout).toContain('stream greetings: 1 batch(es), 3 record(s)');
    // Its own tests, on dativo-host/testing of the installed package, with Node alone.
    expect(readFileSync(join(dir, 'vitest.config.ts'), 'utf8')).toContain('"../../node_modules/dativo-host/dist/testing/index.js"');
    expect(npmTest(dir, { PATH: nodeOnly })).toEqual({ status: 0, summary: '3 passed (3)' });
    // ... which fail when the plugin does not do what they say.
    const src = join(dir, 'src', 'index.ts');
    writeFileSync(src, readFileSync(src, 'utf8').replace('hello #', 'hi #'));
    expect(npmTest(dir, { PATH: nodeOnly })).toEqual({ status: 1, summary: '1 failed | 2 passed (3)' });
  }, 600_000);

  it('dativo-host/testing from the installed package: runTestJob of the example job, with Node alone', () => {
    const script = join(app, 'kit.mjs');
    writeFileSync(
      script,
      `import { runTestJob } from 'dativo-host/testing';
const run = await runTestJob(process.argv[2]);
console.log(JSON.stringify({ rows: run.rows().length, target: run.targetDir.startsWith(run.dir) }));
run.cleanup();
`,
    );
    const data = join(installed, 'examples', 'data', 'orders.csv');
    if (!existsSync(data)) {
      mkdirSync(dirname(data), { recursive: true });
      expect(run(join(nodeOnly, 'node'), [join(installed, 'examples', 'generate-orders.mjs'), '--rows', '2000', '--out', data], { cwd: app }).status).toBe(0);
    }
    const r = run(join(nodeOnly, 'node'), [script, join(installed, 'examples', 'jobs', 'orders-csv-to-parquet.yaml')], { cwd: app, env: { PATH: nodeOnly, DATIVO_LOG_LEVEL: 'warn' } });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ rows: 2000, target: true });
  }, 300_000);

  it('plugin init + test of a Rust reader there (cargo from the machine), the SDK from the package; its npm test with Debian\'s toolchain', () => {
    const dir = join(app, 'plugins', 'pkg-rust-reader');
    expect(cli(['plugin', 'init', 'pkg-rust-reader', '--kind', 'reader', '--dir', dir]).status).toBe(0);
    const sdkPath = /^dativo-plugin-sdk = \{ path = "([^"]+)" \}$/m.exec(readFileSync(join(dir, 'Cargo.toml'), 'utf8'))?.[1];
    expect(sdkPath).toBe('../../node_modules/dativo-host/plugins-rust/dativo-plugin-sdk');
    expect(readdirSync(resolve(dir, sdkPath!))).toContain('Cargo.toml');
    // The machine's PATH (cargo), a shared target dir: the standard library is built once.
    const test = run(join(app, 'node_modules', '.bin', 'dativo-host'), ['plugin', 'test', dir], {
      cwd: app,
      env: { DATIVO_LOG_LEVEL: 'warn', CARGO_TARGET_DIR: SCAFFOLD_TARGET_DIR },
      timeout: 900_000,
    });
    expect(test.status).toBe(0);
    expect(test.stdout).toMatch(/^ok: pkg-rust-reader passed 8 steps$/m);

    // Its own tests with Debian's toolchain alone (no rustup): cargo test of its pure logic on
    // the host target (the scaffold's build-std setting applies there too: Debian's standard
    // library sources, RUSTC_BOOTSTRAP), then the host test through the installed kit.
    const debian = join(work, 'debian-rust-bin');
    mkdirSync(debian);
    for (const [name, target] of [['node', process.execPath], ['npm', NPM_CLI], ['cargo', '/usr/bin/cargo'], ['rustc', '/usr/bin/rustc'], ['cc', '/usr/bin/cc'], ['ld', '/usr/bin/ld'], ['sh', '/bin/sh']]) {
      expect(existsSync(target!), `${target} is missing: bash .ci/install-rust-wasm.sh installs Debian's Rust toolchain`).toBe(true);
      symlinkSync(target!, join(debian, name!));
    }
    const env = { PATH: debian, RUSTC: '/usr/bin/rustc', RUSTC_BOOTSTRAP: '1', CARGO_TARGET_DIR: SCAFFOLD_TARGET_DIR, HOME: process.env.HOME ?? '/root' };
    expect(npmTest(dir, env, 1_500_000)).toEqual({ status: 0, summary: '3 passed (3)' });
    // cargo test fails when the pure logic does not do what its tests say.
    const logic = join(dir, 'src', 'logic.rs');
    writeFileSync(logic, readFileSync(logic, 'utf8').replace('unwrap_or(0) + 1', 'unwrap_or(0) + 2'));
    const broken = run('npm', ['test'], { cwd: dir, env, timeout: 900_000 });
    expect(broken.status).not.toBe(0);
    expect(broken.stdout).toContain('test logic::tests::resumes_after_the_checkpoint ... FAILED');
  }, 2_700_000);
});
