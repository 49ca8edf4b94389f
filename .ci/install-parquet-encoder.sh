#!/usr/bin/env bash
# Builds the host's Parquet encoder (host/native/parquet-encoder: the arrow-rs parquet crate
# as a core wasm module, opt-level 3 + LTO + wasm SIMD) into dist/parquet-encoder/, beside the
# compiled host: the encoder threads load it from there and the npm package ships it.
# Needs Debian's Rust -> wasm toolchain (.ci/install-rust-wasm.sh) plus clang-19 and llvm-19
# (zstd's C sources compiled for wasm32, archived by llvm-ar-19), installed here if missing.
# The module is cached under the cache dir's builds/parquet-encoder/<key>/, keyed by the
# crate's sources, Cargo.lock, this script and the rustc and clang versions: a warm run
# only hashes and copies. Idempotent; installing packages needs root (or sudo -n).
set -euo pipefail
SCRIPT="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
CRATE=host/native/parquet-encoder
OUT=dist/parquet-encoder/parquet_encoder.wasm

source "$(dirname "$SCRIPT")/debian-packages.sh"
DEBIAN_PACKAGES_QUIET=1 debian_packages install-parquet-encoder clang-19 llvm-19
for tool in /usr/bin/cargo /usr/bin/rustc /usr/bin/wasm-ld-19 /usr/bin/clang-19 /usr/bin/llvm-ar-19; do
  if [ ! -x "$tool" ]; then
    echo "install-parquet-encoder: $tool is missing (run bash .ci/install-rust-wasm.sh first)" >&2
    exit 1
  fi
done

key=$(
  cd "$CRATE"
  find Cargo.toml Cargo.lock .cargo src -type f | LC_ALL=C sort | xargs sha256sum
  sha256sum < "$SCRIPT"
  /usr/bin/rustc --version
  /usr/bin/clang-19 --version | head -n 1
)
key=$(printf '%s' "$key" | sha256sum | cut -c1-16)
cached="$CACHE/builds/parquet-encoder/$key/parquet_encoder.wasm"

if [ ! -f "$cached" ]; then
  echo "install-parquet-encoder: building (key $key; a few minutes the first time)"
  started=$(date +%s)
  target="$CACHE/parquet-encoder-target"
  (
    cd "$CRATE"
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build --release --locked \
      --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort --target-dir "$target"
  )
  mkdir -p "$(dirname "$cached")"
  cp "$target/wasm32-unknown-unknown/release/parquet_encoder.wasm" "$cached.tmp"
  mv "$cached.tmp" "$cached"
  echo "install-parquet-encoder: built in $(( $(date +%s) - started )) s"
fi

mkdir -p "$(dirname "$OUT")"
if ! cmp -s "$cached" "$OUT" 2>/dev/null; then cp "$cached" "$OUT.tmp" && mv "$OUT.tmp" "$OUT"; fi
echo "install-parquet-encoder: $OUT ($(stat -c %s "$OUT") bytes, key $key)"
