/**
 * The installable package: `npm pack` (prepack builds the built-in plugins from source;
 * dist/ is the suite's own build), then `npm install TARBALL` into an empty folder from the npm
 * cache, and the installed CLI there with Node alone on PATH (no cargo, no checkout):
 * the example job, and a TypeScript plugin from `plugin init` through `plugin test`.
 * A Rust scaffold in the installed folder builds with the machine's cargo.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { FIXTURE_DIR, REPO, tempDir } from '../helpers/fixtures.js';
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
  const install = run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, timeout: 600_000 });
  expect(install.status).toBe(0);
  mkdirSync(nodeOnly);
  symlinkSync(process.execPath, join(nodeOnly, 'node'));
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
  }, 300_000);

  it('plugin init + test of a Rust reader there (cargo from the machine), the SDK from the package', () => {
    const dir = join(app, 'plugins', 'pkg-rust-reader');
    expect(cli(['plugin', 'init', 'pkg-rust-reader', '--kind', 'reader', '--dir', dir]).status).toBe(0);
    const sdkPath = /^dativo-plugin-sdk = \{ path = "([^"]+)" \}$/m.exec(readFileSync(join(dir, 'Cargo.toml'), 'utf8'))?.[1];
    expect(sdkPath).toBe('../../node_modules/dativo-host/plugins-rust/dativo-plugin-sdk');
    expect(readdirSync(resolve(dir, sdkPath!))).toContain('Cargo.toml');
    // The machine's PATH (cargo), a shared target dir: the standard library is built once.
    const test = run(join(app, 'node_modules', '.bin', 'dativo-host'), ['plugin', 'test', dir], {
      cwd: app,
      env: { DATIVO_LOG_LEVEL: 'warn', CARGO_TARGET_DIR: join(FIXTURE_DIR, 'scaffold-target') },
      timeout: 900_000,
    });
    expect(test.status).toBe(0);
    expect(test.stdout).toMatch(/^ok: pkg-rust-reader passed 8 steps$/m);
  }, 900_000);
});
