/**
 * The Rust-to-WebAssembly toolchain the build uses: Debian's rustc/cargo with the
 * standard library sources (for -Zbuild-std), lld and wasi-libc. No rustup target
 * is needed (or downloadable) on the project's machines.
 */
import { existsSync } from 'node:fs';

export const RUST_WASM_TOOLCHAIN = {
  cargo: '/usr/bin/cargo',
  rustc: '/usr/bin/rustc',
  linker: '/usr/bin/wasm-ld-19',
  wasiLibc: '/usr/lib/wasm32-wasi',
  stdSource: '/usr/lib/rustlib/src/rust/library',
} as const;

/** The apt packages that provide RUST_WASM_TOOLCHAIN (see .ci/install-rust-wasm.sh). */
export const RUST_WASM_APT_PACKAGES = ['rustc-web', 'cargo-web', 'rust-web-src', 'lld-19', 'wasi-libc'] as const;

/** What is missing, as "path (package)" strings; empty when the toolchain is complete. */
export function missingRustWasmToolchain(): string[] {
  const t = RUST_WASM_TOOLCHAIN;
  const wanted: Array<[string, string]> = [
    [t.cargo, 'cargo-web'],
    [t.rustc, 'rustc-web'],
    [t.linker, 'lld-19'],
    [`${t.wasiLibc}/libc.a`, 'wasi-libc'],
    [`${t.stdSource}/std/Cargo.toml`, 'rust-web-src'],
  ];
  return wanted.filter(([path]) => !existsSync(path)).map(([path, pkg]) => `${path} (${pkg})`);
}

/** Throws an Error naming the apt packages to install when part of the toolchain is missing. */
export function assertRustWasmToolchain(): void {
  const missing = missingRustWasmToolchain();
  if (missing.length === 0) return;
  throw new Error(
    `The Rust wasm toolchain is incomplete; missing: ${missing.join(', ')}. ` +
      `Install it with: apt-get update && apt-get install -y ${RUST_WASM_APT_PACKAGES.join(' ')} ` +
      `(or run .ci/install-rust-wasm.sh as root).`,
  );
}
