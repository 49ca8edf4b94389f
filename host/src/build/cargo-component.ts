/**
 * The second Rust route: `cargo component build` (cargo-component 0.21) with Debian's
 * toolchain, as `plugin build --cargo-component` runs it. cargo-component checks that
 * `rustc --print sysroot` has lib/rustlib/wasm32-wasip1 (it calls the `rustc` on PATH,
 * not $RUSTC) and Debian's sysroot has none: it builds that target with -Zbuild-std. A
 * wrapper first on PATH answers exactly `--print sysroot` with a folder that has one,
 * and hands everything else to Debian's rustc; cargo itself compiles with $RUSTC.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ConfigError } from '../errors/index.js';
import { defaultCacheDir } from '../files/cache-dir.js';
import { isRecordedBuild, recordBuild } from './build-record.js';
import { runCargoBuild } from './cargo-process.js';
import { cargoArgs, cargoEnv, cargoTargetEnv, digestAfterBuild, rustSourceDigest, type BuildRustComponentResult } from './rust-component.js';
import { assertRustWasmToolchain, RUST_WASM_TOOLCHAIN } from './toolchain.js';

/** The version .ci/install-cargo-component.sh installs into the cache dir. */
export const CARGO_COMPONENT_VERSION = '0.21.1';

/** Where .ci/install-cargo-component.sh puts it: <cache>/tools/cargo-component-0.21.1. */
export const cargoComponentRoot = (cacheDir = defaultCacheDir()): string =>
  path.join(cacheDir, 'tools', `cargo-component-${CARGO_COMPONENT_VERSION}`);

/** The cargo-component binary: $DATIVO_CARGO_COMPONENT, else the cache dir's, else PATH's. */
export function findCargoComponent(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DATIVO_CARGO_COMPONENT) return existsSync(env.DATIVO_CARGO_COMPONENT) ? path.resolve(env.DATIVO_CARGO_COMPONENT) : undefined;
  const cached = path.join(cargoComponentRoot(env.DATIVO_CACHE_DIR ?? defaultCacheDir()), 'bin', 'cargo-component');
  if (existsSync(cached)) return cached;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'cargo-component');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function requireCargoComponent(env: NodeJS.ProcessEnv = process.env): string {
  const found = findCargoComponent(env);
  if (found) return found;
  const where = env.DATIVO_CARGO_COMPONENT ? `DATIVO_CARGO_COMPONENT=${env.DATIVO_CARGO_COMPONENT} does not exist` : 'not in the cache dir nor on PATH';
  throw new ConfigError(
    'CARGO_COMPONENT_NOT_FOUND',
    `cargo-component is needed for --cargo-component (${where}). Install it with .ci/install-cargo-component.sh, or ` +
      `cargo install cargo-component --locked --version ${CARGO_COMPONENT_VERSION} --root ${cargoComponentRoot()} (about 30 min on 2 cores), ` +
      'or set DATIVO_CARGO_COMPONENT to its path',
  );
}

/** Writes the sysroot-answering rustc wrapper (once; rewritten if changed) and returns its bin folder. */
export function rustcSysrootWrapper(cacheDir = defaultCacheDir()): string {
  const root = path.join(cacheDir, 'tools', 'rustc-sysroot');
  const sysroot = path.join(root, 'sysroot');
  mkdirSync(path.join(sysroot, 'lib', 'rustlib', 'wasm32-wasip1'), { recursive: true });
  const bin = path.join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = [
    '#!/bin/sh',
    '# Written by dativo-host (host/src/build/cargo-component.ts). cargo-component checks',
    '# `rustc --print sysroot`/lib/rustlib/wasm32-wasip1; Debian builds that target with',
    '# -Zbuild-std instead. This answers that one question; the rest goes to Debian rustc.',
    'if [ "$#" -eq 2 ] && [ "$1" = "--print" ] && [ "$2" = "sysroot" ]; then',
    `  printf '%s\\n' ${shellQuote(sysroot)}`,
    '  exit 0',
    'fi',
    `exec ${shellQuote(RUST_WASM_TOOLCHAIN.rustc)} "$@"`,
    '',
  ].join('\n');
  const file = path.join(bin, 'rustc');
  if (!existsSync(file) || readFileSync(file, 'utf8') !== script) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script);
    chmodSync(tmp, 0o755);
    renameSync(tmp, file);
  }
  return bin;
}

/**
 * The environment `cargo component build` needs with Debian's toolchain: the wrapper and
 * cargo-component first on PATH, then /usr/bin; RUSTC, CARGO (cargo-component runs
 * $CARGO) and RUSTC_BOOTSTRAP for -Zbuild-std.
 */
export function cargoComponentEnv(binary: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = cargoEnv(base);
  const wrapper = rustcSysrootWrapper(base.DATIVO_CACHE_DIR ?? defaultCacheDir());
  env.PATH = [wrapper, path.dirname(binary), env.PATH].join(path.delimiter);
  env.CARGO = RUST_WASM_TOOLCHAIN.cargo;
  return env;
}

/** The cargo-component binary's identity in a build digest (its bytes, not its file name). */
function binaryDigest(binary: string): string {
  const { size, mtimeMs } = statSync(binary);
  const key = `${binary}\0${size}\0${mtimeMs}`;
  let digest = binaryDigests.get(key);
  if (digest === undefined) {
    digest = `cargo-component=${createHash('sha256').update(readFileSync(binary)).digest('hex')}`;
    binaryDigests.set(key, digest);
  }
  return digest;
}
const binaryDigests = new Map<string, string>();

export interface CargoComponentBuild {
  crateDir: string;
  outFile: string;
  witDir: string;
  release?: boolean;
  log?: (line: string) => void;
}

const settingsOf = (opts: CargoComponentBuild, binary: string): string[] => ['route=cargo-component', `release=${opts.release ?? true}`, binaryDigest(binary)];

/** The digest a cargo-component build of this crate is recorded under; undefined without cargo-component. */
export function cargoComponentDigest(opts: CargoComponentBuild, binary = findCargoComponent(), withoutLock = false): string | undefined {
  if (!binary) return undefined;
  return rustSourceDigest(path.resolve(opts.crateDir), path.resolve(opts.witDir), settingsOf(opts, binary), withoutLock);
}

/**
 * Builds a cdylib crate with `cargo component build` into outFile, unless this host
 * recorded building outFile from the same sources with the same cargo-component. The
 * cargo settings are the ones `plugin build` passes (rust-component.ts cargoArgs), so
 * both routes share the standard library built in a shared target dir.
 */
export async function buildWithCargoComponent(opts: CargoComponentBuild): Promise<BuildRustComponentResult> {
  const binary = requireCargoComponent();
  const crateDir = path.resolve(opts.crateDir);
  const outFile = path.resolve(opts.outFile);
  const digest = cargoComponentDigest(opts, binary)!;
  if (isRecordedBuild(outFile, digest)) return { outFile, built: false };
  const sansLock = cargoComponentDigest(opts, binary, true)!;

  assertRustWasmToolchain();
  const manifest = path.join(crateDir, 'Cargo.toml');
  const artifact = await runCargoBuild({
    command: binary,
    // cargo-component reads `-Zbuild-std=std,panic_abort` as short flags (-p anic_abort):
    // build-std goes through cargo's environment instead.
    args: ['component', ...cargoArgs(manifest, 'reactor', opts.release ?? true).filter((a) => !a.startsWith('-Zbuild-std'))],
    cwd: crateDir,
    env: { ...cargoTargetEnv(crateDir, cargoComponentEnv(binary), opts.log), CARGO_UNSTABLE_BUILD_STD: 'std,panic_abort' },
    wantedKind: 'cdylib',
    what: `${manifest} with cargo component`,
    log: opts.log,
  });
  if (!isComponentFile(artifact)) {
    throw new ConfigError('PLUGIN_BUILD_NOT_A_COMPONENT', `cargo component build left a core module at ${artifact}, not a component: does the crate use the SDK's export_reader!/export_writer! (wit-bindgen)?`);
  }
  mkdirSync(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  copyFileSync(artifact, tmp);
  chmodSync(tmp, 0o644);
  renameSync(tmp, outFile);
  recordBuild(outFile, digestAfterBuild(crateDir, path.resolve(opts.witDir), settingsOf(opts, binary), { full: digest, sansLock }));
  return { outFile, built: true };
}

/** Whether a .wasm file is a component (layer 1), not a core module. */
function isComponentFile(file: string): boolean {
  const header = readFileSync(file).subarray(4, 8);
  return header[2] === 0x01 && header[3] === 0x00;
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
