#!/usr/bin/env bash
# Runs the main example end to end on a fresh machine: installs what is missing (npm
# packages; the Debian Rust->wasm toolchain only when csv-reader or the Parquet encoder must
# be compiled), builds the Rust csv-reader plugin from source unless this host already built
# it from the same sources (e.g. `npm pack`'s prepack), generates orders.csv and runs the
# CSV -> Parquet job into ./out/orders.
#   ROWS=2000000 bash examples/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
[ -f dist/cli/main.js ] && [ -f dist/bundle/main.mjs ] && [ -z "$(find host/src -newer dist/cli/main.js -name '*.ts' | head -1)" ] || npm run build --silent

# The host's Parquet encoder module (host/native/parquet-encoder), cached by source in the
# cache dir: with the whole toolchain present the script checks it is current; without it
# (or with part of it: no linker, no standard library sources), it is built once after
# installing the toolchain, unless a built one is already there (an installed package's).
encoder_tools=(/usr/bin/rustc /usr/bin/cargo /usr/bin/wasm-ld-19 /usr/bin/clang-19 /usr/bin/llvm-ar-19
  /usr/lib/rustlib/src/rust/library/std/Cargo.toml)
have_all() { for path in "$@"; do [ -e "$path" ] || return 1; done; }
if have_all "${encoder_tools[@]}"; then
  bash .ci/install-parquet-encoder.sh >/dev/null
elif [ ! -f dist/parquet-encoder/parquet_encoder.wasm ]; then
  echo "quickstart: installing the Rust -> wasm toolchain (.ci/install-rust-wasm.sh), then building the Parquet encoder"
  bash .ci/install-rust-wasm.sh >/dev/null
  bash .ci/install-parquet-encoder.sh
fi

cli() { node bin/dativo-host.mjs "$@"; }
# Up to date (a build this host recorded, same sources): no toolchain, no compile. Otherwise
# the build stops at once naming the missing toolchain: install it, then build.
if ! cli plugin build plugins-rust/csv-reader; then
  echo "quickstart: installing the Rust -> wasm toolchain (.ci/install-rust-wasm.sh), then building csv-reader"
  bash .ci/install-rust-wasm.sh >/dev/null
  cli plugin build plugins-rust/csv-reader
fi

rows=${ROWS:-200000}
if [ ! -f examples/data/orders.csv ] || [ "$(cat examples/data/.rows 2>/dev/null)" != "$rows" ]; then
  node examples/generate-orders.mjs --rows "$rows" --out examples/data/orders.csv
  echo "$rows" > examples/data/.rows
fi

cli run examples/jobs/orders-csv-to-parquet.yaml
echo "Parquet files: $(find out/orders -name '*.parquet' | wc -l) under out/orders (commit manifests in out/orders/_dativo/commits)"
