/**
 * Builds a Rust crate into a WebAssembly component:
 *
 *   cargo (Debian's, -Zbuild-std, wasm32-wasip1) -> core module
 *   componentNew(core, preview1 adapter)          -> component
 *
 * Reactors are cdylib crates (plugins: wit-bindgen exports + the reactor adapter);
 * commands are bin crates (any std Rust program; the command adapter turns its
 * `_start` into wasi:cli/run). All cargo settings are passed on the command line,
 * so a crate needs no .cargo/config.toml (a scaffold's is for `cargo component build`
 * by hand); crates.io is used as usual. cargo-component.ts is the other route.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { defaultCacheDir } from '../files/cache-dir.js';
import { isRecordedBuild, recordBuild, sourceDigest } from './build-record.js';
import { runCargoBuild } from './cargo-process.js';
import { assertRustWasmToolchain, RUST_WASM_TOOLCHAIN } from './toolchain.js';

export type RustComponentKind = 'reactor' | 'command';

export interface BuildRustComponentOptions {
  /** Directory of the crate (a standalone crate or a workspace member). */
  crateDir: string;
  /** Where the component goes. */
  outFile: string;
  /** 'reactor' for a cdylib (plugin), 'command' for a bin (wasi:cli command). */
  kind: RustComponentKind;
  /** Release profile (default true). */
  release?: boolean;
  /** Receives cargo's stderr, line by line. */
  log?: (line: string) => void;
  /**
   * WIT directory the crate's bindings are generated from, watched by the freshness
   * check (default: `<crateDir>/wit` when it exists).
   */
  witDir?: string;
}

export interface BuildRustComponentResult {
  outFile: string;
  /** false when this host recorded building outFile from the same sources (build-record.ts): skipped. */
  built: boolean;
}

const TARGET = 'wasm32-wasip1';

export async function buildRustComponent(opts: BuildRustComponentOptions): Promise<BuildRustComponentResult> {
  const crateDir = path.resolve(opts.crateDir);
  const outFile = path.resolve(opts.outFile);
  const manifest = path.join(crateDir, 'Cargo.toml');
  if (!existsSync(manifest)) throw new Error(`buildRustComponent: no Cargo.toml in ${crateDir}`);
  const witDir = opts.witDir !== undefined ? path.resolve(opts.witDir) : path.join(crateDir, 'wit');

  // Rebuilt unless this host recorded building outFile from these very sources.
  const settings = [`kind=${opts.kind}`, `release=${opts.release ?? true}`, adapterDigest(opts.kind)];
  const digest = rustSourceDigest(crateDir, witDir, settings);
  if (isRecordedBuild(outFile, digest)) return { outFile, built: false };
  const sansLock = rustSourceDigest(crateDir, witDir, settings, true);

  assertRustWasmToolchain();
  const coreModule = await runCargo(manifest, opts.kind, opts.release ?? true, opts.log);

  const { componentNew } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  const [core, adapter] = await Promise.all([readFile(coreModule), readFile(adapterPath(opts.kind))]);
  let component: Uint8Array;
  try {
    component = await componentNew(core, [['wasi_snapshot_preview1', adapter]]);
  } catch (err) {
    throw new Error(`buildRustComponent: componentNew failed for ${coreModule}: ${errorText(err)}`);
  }

  await mkdir(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  await writeFile(tmp, component);
  await rename(tmp, outFile);
  recordBuild(outFile, digestAfterBuild(crateDir, witDir, settings, { full: digest, sansLock }));
  return { outFile, built: true };
}

const adapterDigest = (kind: RustComponentKind): string => `adapter=${createHash('sha256').update(readFileSync(adapterPath(kind))).digest('hex')}`;

/** The preview1 adapter shipped with jco. */
function adapterPath(kind: RustComponentKind): string {
  const jcoMain = createRequire(import.meta.url).resolve('@bytecodealliance/jco');
  return path.resolve(path.dirname(jcoMain), '..', 'lib', `wasi_snapshot_preview1.${kind}.wasm`);
}

// ---------------------------------------------------------------------------
// Freshness

/** The digest of a crate's build inputs (buildInputs) and a route's settings. */
export const rustSourceDigest = (crateDir: string, witDir: string, settings: string[], withoutLock = false): string =>
  sourceDigest(crateDir, buildInputs(crateDir, witDir).filter((f) => !withoutLock || path.basename(f) !== 'Cargo.lock'), settings);

/**
 * The digest a finished build is recorded under: that of its sources after the build,
 * because cargo writes Cargo.lock on a crate's first build and the next `plugin build`
 * must find it up to date; `before` if any other input changed during the build.
 */
export function digestAfterBuild(crateDir: string, witDir: string, settings: string[], before: { full: string; sansLock: string }): string {
  if (rustSourceDigest(crateDir, witDir, settings, true) !== before.sansLock) return before.full;
  return rustSourceDigest(crateDir, witDir, settings);
}

/** Every file whose change must rebuild the component. */
function buildInputs(crateDir: string, witDir: string): string[] {
  const files = [
    ...listFiles(path.join(crateDir, 'src')),
    ...listFiles(witDir),
    path.join(crateDir, 'Cargo.toml'),
    path.join(crateDir, 'Cargo.lock'),
    path.join(crateDir, 'build.rs'),
    path.join(crateDir, '.cargo', 'config.toml'),
  ];
  const root = workspaceRoot(crateDir);
  if (root !== undefined && root !== crateDir) {
    files.push(path.join(root, 'Cargo.toml'), path.join(root, 'Cargo.lock'));
  }
  // Path dependencies (the SDK crate, for one): a change there must rebuild the plugin too.
  for (const dep of pathDependencies([crateDir, ...(root && root !== crateDir ? [root] : [])])) {
    files.push(...listFiles(path.join(dep, 'src')), path.join(dep, 'Cargo.toml'));
  }
  return files.filter((f) => existsSync(f));
}

/** Crates reached through `path = "..."` in these crates' Cargo.toml, transitively. */
function pathDependencies(start: string[]): string[] {
  const seen = new Set<string>(start);
  const found: string[] = [];
  const queue = [...start];
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    const toml = path.join(dir, 'Cargo.toml');
    if (!existsSync(toml)) continue;
    for (const m of readFileSync(toml, 'utf8').matchAll(/\bpath\s*=\s*"([^"]+)"/g)) {
      const dep = path.resolve(dir, m[1]!);
      if (seen.has(dep) || !existsSync(path.join(dep, 'Cargo.toml'))) continue;
      seen.add(dep);
      found.push(dep);
      queue.push(dep);
    }
  }
  return found;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** The nearest ancestor (or the crate itself) whose Cargo.toml declares a [workspace]. */
function workspaceRoot(crateDir: string): string | undefined {
  for (let dir = crateDir; ; dir = path.dirname(dir)) {
    const toml = path.join(dir, 'Cargo.toml');
    if (existsSync(toml) && /^\s*\[workspace\]/m.test(readFileSync(toml, 'utf8'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

// ---------------------------------------------------------------------------
// cargo

/** The cargo command line for one crate; exported for logs and tests. */
export function cargoArgs(manifest: string, kind: RustComponentKind, release: boolean): string[] {
  const t = RUST_WASM_TOOLCHAIN;
  const rustflags = ['-C', 'link-self-contained=no', '-L', t.wasiLibc];
  const args = [
    kind === 'command' ? 'rustc' : 'build',
    '--manifest-path', manifest,
    kind === 'command' ? '--bins' : '--lib',
    '--target', TARGET,
    '-Zbuild-std=std,panic_abort',
    '--config', `target.${TARGET}.linker=${tomlString(t.linker)}`,
    '--config', `target.${TARGET}.rustflags=[${rustflags.map(tomlString).join(', ')}]`,
    '--message-format=json-render-diagnostics',
  ];
  if (release) args.push('--release');
  // The crt only for the final link (`cargo rustc` passes these to the last rustc only),
  // so the standard library built for reactors is reused by commands, and vice versa.
  if (kind === 'command') args.push('--', '-C', `link-arg=${t.wasiLibc}/crt1-command.o`);
  return args;
}

export function cargoEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // These would override the target rustflags given with --config.
  delete env.RUSTFLAGS;
  delete env.CARGO_ENCODED_RUSTFLAGS;
  delete env.CARGO_BUILD_RUSTFLAGS;
  delete env.CARGO_BUILD_TARGET;
  env.PATH = ['/usr/bin', base.PATH ?? ''].filter(Boolean).join(path.delimiter);
  env.RUSTC = RUST_WASM_TOOLCHAIN.rustc;
  env.RUSTC_BOOTSTRAP = '1';
  return env;
}

/**
 * The cargo target dir of a standalone crate (its own [workspace], as `plugin init`
 * writes): one folder shared by all of them, so only the first build compiles the
 * standard library (-Zbuild-std) and the SDK's dependencies. DATIVO_CARGO_TARGET_DIR
 * names it (default: the cache dir's cargo-target/); CARGO_TARGET_DIR, when set, wins;
 * members of a larger workspace (plugins-rust/) keep that workspace's target/.
 */
export function sharedTargetDir(crateDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CARGO_TARGET_DIR) return undefined;
  if (workspaceRoot(crateDir) !== path.resolve(crateDir)) return undefined;
  return env.DATIVO_CARGO_TARGET_DIR ?? path.join(defaultCacheDir(), 'cargo-target');
}

/** Cargo's target-dir settings for a crate: the shared dir of standalone crates (logged). */
export function cargoTargetEnv(crateDir: string, env: NodeJS.ProcessEnv, log?: (line: string) => void): NodeJS.ProcessEnv {
  const shared = sharedTargetDir(crateDir);
  if (!shared) return env;
  log?.(`cargo target dir (shared by standalone plugin crates): ${shared}`);
  return { ...env, CARGO_TARGET_DIR: shared };
}

async function runCargo(
  manifest: string,
  kind: RustComponentKind,
  release: boolean,
  log: ((line: string) => void) | undefined,
): Promise<string> {
  const run = {
    command: RUST_WASM_TOOLCHAIN.cargo,
    args: cargoArgs(manifest, kind, release),
    cwd: path.dirname(manifest),
    env: cargoTargetEnv(path.dirname(manifest), cargoEnv(), log),
    wantedKind: kind === 'command' ? ('bin' as const) : ('cdylib' as const),
    what: `${manifest} as a ${kind}`,
    log,
  };
  // cargo-component componentizes this artifact in place; cargo links it again from
  // deps/ on every build (seen with cargo 1.96), so a shared target dir serves both routes.
  return runCargoBuild(run);
}

function tomlString(s: string): string {
  return JSON.stringify(s);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
