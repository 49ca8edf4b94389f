/**
 * Both Rust build routes of a scaffolded reader (issue 13, item 1): `plugin build` (cargo
 * and the preview1 adapter) and `plugin build --cargo-component` (cargo-component 0.21.1
 * with Debian's toolchain). Each component passes `plugin test` and runs in a job whose
 * committed rows are read back. `plugin build` never keeps a dist/*.wasm it did not build;
 * `plugin manifest` gives a component built by hand (`cargo component build --release`
 * with the scaffold's own .cargo/config.toml) a manifest the host loads and runs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { findCargoComponent } from '../../host/src/build/cargo-component.js';
import { defaultCacheDir } from '../../host/src/files/cache-dir.js';
import { inspectComponent } from '../../host/src/capabilities/review/inspect-component.js';
import { loadPlugin } from '../../host/src/runtime/load-plugin.js';
import { REPO, SCAFFOLD_TARGET_DIR, fixture, sha256File, tempDir } from '../helpers/fixtures.js';
import { writeGreetingsJob } from '../helpers/greetings-job.js';
import { readRows } from '../helpers/job.js';

/** Shared with the other scaffold tests: the standard library is built once per machine. */
const TARGET_DIR = SCAFFOLD_TARGET_DIR;
/**
 * The hand-run `cargo component build` (the crate's .cargo/config.toml: other rustflags, so
 * its own standard library build), kept in the cache dir so a fresh clone's CI reuses it.
 */
const MANUAL_TARGET_DIR = join(defaultCacheDir(), 'cargo-component-target');
const NAME = 'cc-reader';
/** A first build on a fresh machine compiles the standard library: 10 min was seen under load. */
const BUILD_MS = 1_500_000;

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/helpers/cli.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, DATIVO_LOG_LEVEL: 'warn', CARGO_TARGET_DIR: TARGET_DIR, ...env },
    timeout: BUILD_MS,
  });
  if (r.status !== 0) process.stderr.write(r.stderr.slice(-3000));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a job reading `count` greetings through the plugin; returns the committed rows. */
function runJob(plugin: string, count: number): Array<{ id: number; greeting: string }> {
  const dir = tempDir('dativo-cc-job-');
  const run = cli(['run', writeGreetingsJob(dir, plugin, count)]);
  expect(run.status).toBe(0);
  return readRows(join(dir, 'out'))
    .map((r) => ({ id: Number(r.id), greeting: String(r.greeting) }))
    .sort((a, b) => a.id - b.id);
}

const expectedRows = (count: number) => Array.from({ length: count }, (_, i) => ({ id: i + 1, greeting: `hello #${i + 1}` }));
const processedBy = async (file: string) => (await inspectComponent(readFileSync(file))).producers.processedBy.join(', ');
const later = () => new Date(Date.now() + 60_000);

describe('a scaffolded Rust reader built by both routes', () => {
  const dir = join(tempDir('dativo-cc-'), NAME);
  const component = join(dir, 'dist', `${NAME}.wasm`);
  const manifest = join(dir, 'dist', 'plugin.yaml');
  const shaOf: Record<string, string> = {};

  beforeAll(() => {
    // Installed by .ci/install-cargo-component.sh (CI runs it): never skipped.
    if (!findCargoComponent()) throw new Error('cargo-component 0.21.1 is not installed: run .ci/install-cargo-component.sh');
    expect(cli(['plugin', 'init', NAME, '--kind', 'reader', '--dir', dir]).status).toBe(0);
  });

  it('plugin build: passes plugin test and runs in a job', async () => {
    const build = cli(['plugin', 'build', dir]);
    expect(build.status).toBe(0);
    expect(build.stdout).toMatch(/(built|up to date) \(cargo\)/);
    expect(await processedBy(component)).not.toContain('cargo-component');
    shaOf.cargo = sha256File(component);
    expect(cli(['plugin', 'test', dir]).status).toBe(0);
    expect(runJob(manifest, 4)).toEqual(expectedRows(4));
  }, BUILD_MS + 60_000);

  it('plugin build --cargo-component: passes plugin test (which keeps it) and runs in a job', async () => {
    const plain = await inspectComponent(readFileSync(component));
    const build = cli(['plugin', 'build', '--cargo-component', dir]);
    expect(build.status).toBe(0);
    expect(build.stdout).toContain('built (cargo-component)');
    const own = (shaOf['cargo-component'] = sha256File(component));
    const cc = await inspectComponent(readFileSync(component));
    expect(cc.producers.processedBy.join(', ')).toContain('cargo-component 0.21.1');
    expect(cc.exports).toEqual(['dativo:plugin/reader@0.1.0']);
    expect(cc.imports).toEqual(plain.imports);

    // A recorded cargo-component build of these sources is up to date for plugin build/test.
    expect(cli(['plugin', 'build', dir]).stdout).toContain('up to date (cargo-component)');
    expect(cli(['plugin', 'test', dir]).status).toBe(0);
    expect(sha256File(component)).toBe(own);
    expect(parse(readFileSync(manifest, 'utf8')).sha256).toBe(own);
    expect(runJob(manifest, 5)).toEqual(expectedRows(5));
  }, BUILD_MS + 60_000);

  it.each([
    ['cargo', []],
    ['cargo-component', ['--cargo-component']],
  ])('plugin build (%s) rebuilds a planted dist/*.wasm newer than the sources', (route, flags) => {
    copyFileSync(fixture('rust', 'probe-reader'), component);
    utimesSync(component, later(), later());
    const planted = sha256File(component);

    const build = cli(['plugin', 'build', ...flags, dir]);
    expect(build.status).toBe(0);
    expect(build.stdout).toContain(`built (${route})`);
    expect(sha256File(component)).not.toBe(planted);
    expect(sha256File(component)).toBe(shaOf[route]);
    expect(parse(readFileSync(manifest, 'utf8')).sha256).toBe(shaOf[route]);
  }, BUILD_MS + 60_000);

  it.each([
    ['cargo', []],
    ['cargo-component', ['--cargo-component']],
  ])('a fresh scaffold built once (%s) is up to date for the next build, though cargo wrote Cargo.lock', (route, flags) => {
    const fresh = join(tempDir('dativo-cc-fresh-'), `fresh-${route}`);
    expect(cli(['plugin', 'init', `fresh-${route}`, '--kind', 'reader', '--dir', fresh]).status).toBe(0);
    expect(existsSync(join(fresh, 'Cargo.lock'))).toBe(false);
    expect(cli(['plugin', 'build', ...flags, fresh]).stdout).toContain(`built (${route})`);
    expect(existsSync(join(fresh, 'Cargo.lock'))).toBe(true);
    expect(cli(['plugin', 'build', ...flags, fresh]).stdout).toContain(`up to date (${route})`);
  }, BUILD_MS + 60_000);

  it('a scaffolded writer built with --cargo-component passes plugin test; plugin manifest reads it as a writer', async () => {
    const writer = join(tempDir('dativo-cc-writer-'), 'cc-writer');
    expect(cli(['plugin', 'init', 'cc-writer', '--kind', 'writer', '--dir', writer]).status).toBe(0);
    expect(cli(['plugin', 'build', '--cargo-component', writer]).stdout).toContain('built (cargo-component)');
    const built = join(writer, 'dist', 'cc-writer.wasm');
    expect(await processedBy(built)).toContain('cargo-component 0.21.1');
    const test = cli(['plugin', 'test', writer]);
    expect(test.status).toBe(0);
    expect(test.stdout).toContain('commit    ok    3 record(s)');
    const elsewhere = tempDir('dativo-cc-writer-manifest-');
    expect(cli(['plugin', 'manifest', built, '--dir', elsewhere]).status).toBe(0);
    expect(parse(readFileSync(join(elsewhere, 'dist', 'plugin.yaml'), 'utf8'))).toMatchObject({ name: 'cc-writer', kind: 'writer', contract: '0.1.0' });
    expect((await loadPlugin({ manifest: join(elsewhere, 'dist', 'plugin.yaml') })).manifest.kind).toBe('writer');
  }, BUILD_MS + 60_000);

  it('plugin build refuses a dist/*.wasm it has no sources to rebuild from', () => {
    const bare = join(tempDir('dativo-cc-bare-'), 'bare');
    mkdirSync(join(bare, 'dist'), { recursive: true });
    copyFileSync(join(dir, 'plugin.yaml'), join(bare, 'plugin.yaml'));
    copyFileSync(fixture('rust', 'probe-reader'), join(bare, 'dist', `${NAME}.wasm`));
    const build = cli(['plugin', 'build', bare]);
    expect(build.status).not.toBe(0);
    expect(build.stderr).toContain('PLUGIN_BUILD_NO_SOURCES');
    expect(build.stderr).toContain('plugin manifest COMPONENT');
    expect(existsSync(join(bare, 'dist', 'plugin.yaml'))).toBe(false);
  });

  it('plugin manifest: a component built by hand with `cargo component build --release` loads and runs', async () => {
    // The author's manual route: the scaffold's .cargo/config.toml and `plugin cargo-env`.
    const envJson = JSON.parse(cli(['plugin', 'cargo-env', '--json']).stdout) as Record<string, string>;
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${envJson.PATH}:${process.env.PATH}`, RUSTC: envJson.RUSTC, CARGO: envJson.CARGO };
    env.RUSTC_BOOTSTRAP = envJson.RUSTC_BOOTSTRAP;
    env.CARGO_TARGET_DIR = MANUAL_TARGET_DIR;
    for (const k of ['RUSTFLAGS', 'CARGO_ENCODED_RUSTFLAGS', 'CARGO_BUILD_RUSTFLAGS', 'CARGO_BUILD_TARGET']) delete env[k];
    const started = Date.now();
    const manual = spawnSync('/usr/bin/cargo', ['component', 'build', '--release'], { cwd: dir, env, encoding: 'utf8', timeout: BUILD_MS });
    if (manual.status !== 0) process.stderr.write(manual.stderr.slice(-4000));
    expect(manual.status).toBe(0);
    process.stderr.write(`cargo component build --release (by hand): ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const built = join(MANUAL_TARGET_DIR, 'wasm32-wasip1', 'release', `${NAME.replaceAll('-', '_')}.wasm`);
    expect(await processedBy(built)).toContain('cargo-component 0.21.1');

    // No plugin.yaml beside it: named after the file, kind and contract from its exports, nothing granted.
    const elsewhere = tempDir('dativo-cc-manifest-');
    const written = cli(['plugin', 'manifest', built, '--dir', elsewhere]);
    expect(written.status).toBe(0);
    const m = parse(readFileSync(join(elsewhere, 'dist', 'plugin.yaml'), 'utf8')) as Record<string, unknown>;
    expect(m).toMatchObject({ name: 'cc_reader', kind: 'reader', contract: '0.1.0', component: './cc_reader.wasm', sha256: sha256File(built) });
    const loaded = await loadPlugin({ manifest: join(elsewhere, 'dist', 'plugin.yaml') });
    expect(loaded.contractVersion).toBe('0.1.0');
    expect(loaded.grant.filesystem).toEqual([]);
    expect(runJob(join(elsewhere, 'dist', 'plugin.yaml'), 2)).toEqual(expectedRows(2));

    // With the plugin's own plugin.yaml: its name and grants; a kind it is not is refused.
    const own = tempDir('dativo-cc-own-');
    copyFileSync(join(dir, 'plugin.yaml'), join(own, 'plugin.yaml'));
    expect(cli(['plugin', 'manifest', built, '--dir', own]).status).toBe(0);
    expect(parse(readFileSync(join(own, 'dist', 'plugin.yaml'), 'utf8'))).toMatchObject({ name: NAME, kind: 'reader' });
    writeFileSync(join(own, 'plugin.yaml'), readFileSync(join(own, 'plugin.yaml'), 'utf8').replace('kind: reader', 'kind: writer'));
    rmSync(join(own, 'dist'), { recursive: true });
    const wrongKind = cli(['plugin', 'manifest', built, '--dir', own]);
    expect(wrongKind.status).not.toBe(0);
    expect(wrongKind.stderr).toContain('PLUGIN_KIND_MISMATCH');
    expect(existsSync(join(own, 'dist', 'plugin.yaml'))).toBe(false);
  }, BUILD_MS + 60_000);
});
