#!/usr/bin/env bash
# Installs the Rust -> wasm32-wasip1 toolchain the build uses (host/src/build/toolchain.ts):
# Debian's rustc/cargo 1.96 (/usr/bin), the standard library sources for -Zbuild-std,
# lld 19 (wasm-ld-19) and wasi-libc. No rustup target is needed.
# Idempotent; run as root (or with passwordless sudo); never reads stdin.
set -euo pipefail

source "$(dirname "$0")/debian-packages.sh"
debian_packages install-rust-wasm rustc-web cargo-web rust-web-src lld-19 wasi-libc

# What the build relies on.
for path in /usr/bin/cargo /usr/bin/rustc /usr/bin/wasm-ld-19 /usr/lib/wasm32-wasi/libc.a \
  /usr/lib/wasm32-wasi/crt1-command.o /usr/lib/rustlib/src/rust/library/std/Cargo.toml; do
  if [ ! -e "$path" ]; then
    echo "install-rust-wasm: missing $path after install" >&2
    exit 1
  fi
done
/usr/bin/cargo --version
