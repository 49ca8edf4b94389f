#!/usr/bin/env bash
# Installs cargo-component 0.21.1 (the `cargo component build` route of Rust plugins,
# host/src/build/cargo-component.ts) into the cache folder, where the host finds it:
#   ${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}/tools/cargo-component-0.21.1/bin/cargo-component
# Built from crates.io with --locked: about 30 min on 2 cores, once per machine; a warm
# run only checks the binary. Needs a cargo for the host (rustup's or Debian's, see
# .ci/install-rust-wasm.sh) and crates.io. Never reads stdin.
set -euo pipefail

VERSION=0.21.1
CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
ROOT="$CACHE/tools/cargo-component-$VERSION"
BIN="$ROOT/bin/cargo-component"

if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "cargo-component $VERSION"; then
  echo "install-cargo-component: already installed: $BIN"
  exit 0
fi

CARGO=$(command -v cargo || echo /usr/bin/cargo)
if [ ! -x "$CARGO" ]; then
  echo "install-cargo-component: no cargo found (run .ci/install-rust-wasm.sh first)" >&2
  exit 1
fi

# Into a temporary root, then moved: an interrupted install leaves no half binary where
# the host looks. The target dir is kept until success, so a rerun resumes the build.
started=$(date +%s)
mkdir -p "$CACHE/tools"
TMP_ROOT="$ROOT.partial"
rm -rf "$TMP_ROOT"
echo "install-cargo-component: building cargo-component $VERSION with $CARGO (about 30 min on 2 cores)"
"$CARGO" install cargo-component --locked --version "$VERSION" --root "$TMP_ROOT" \
  --target-dir "$CACHE/tools/cargo-component-build" </dev/null
"$TMP_ROOT/bin/cargo-component" --version | grep -q "cargo-component $VERSION"
rm -rf "$ROOT"
mv "$TMP_ROOT" "$ROOT"
rm -rf "$CACHE/tools/cargo-component-build"
echo "install-cargo-component: installed $BIN in $(( $(date +%s) - started )) s"
