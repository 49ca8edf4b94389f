#!/usr/bin/env bash
# Installs the Rust -> wasm32-wasip1 toolchain the build uses (host/src/build/toolchain.ts):
# Debian's rustc/cargo 1.96 (/usr/bin), the standard library sources for -Zbuild-std,
# lld 19 (wasm-ld-19) and wasi-libc. No rustup target is needed.
# Idempotent; run as root (or with passwordless sudo); never reads stdin.
set -euo pipefail

PACKAGES=(rustc-web cargo-web rust-web-src lld-19 wasi-libc)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-rust-wasm: already installed: ${PACKAGES[*]}"
else
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
      echo "install-rust-wasm: must run as root to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "install-rust-wasm: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi

# What the build relies on.
for path in /usr/bin/cargo /usr/bin/rustc /usr/bin/wasm-ld-19 /usr/lib/wasm32-wasi/libc.a \
  /usr/lib/wasm32-wasi/crt1-command.o /usr/lib/rustlib/src/rust/library/std/Cargo.toml; do
  if [ ! -e "$path" ]; then
    echo "install-rust-wasm: missing $path after install" >&2
    exit 1
  fi
done
/usr/bin/cargo --version
