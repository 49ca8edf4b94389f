#!/usr/bin/env bash
# Builds the Vault dev server test/secrets/vault.test.ts starts on loopback:
# test/fixtures/go/vault-dev, a main package over HashiCorp Vault's own core and HTTP API
# (github.com/hashicorp/vault v1.21.0, with the kv, approle and jwt backends), pinned by its
# go.mod/go.sum and fetched from the Go module proxy. Cached as <cache>/tools/vault-dev/,
# rebuilt when those sources change. Idempotent; never reads stdin.
# Why not the vault binary: its module zip drops ./api and ./sdk, which its go.mod replaces,
# and v1.21.4's code needs a newer sdk than it requires; the full binary is ~2,600 packages.
# OpenBao: the proxy refuses github.com/openbao/openbao and .../v2 (403).
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
SRC="test/fixtures/go/vault-dev"
DEST="$CACHE/tools/vault-dev"
stamp="$(cat "$SRC"/go.mod "$SRC"/go.sum "$SRC"/*.go | sha256sum | cut -c1-16)"
if [ -x "$DEST/vault-dev" ] && [ "$(cat "$DEST/source.sha256" 2>/dev/null)" = "$stamp" ]; then
  echo "install-vault: vault-dev already built ($DEST/vault-dev)"
  exit 0
fi
command -v go >/dev/null || { echo "install-vault: go is needed (Go toolchain)"; exit 1; }
echo "install-vault: building vault-dev (Vault v1.21.0 core; ~1,650 packages, minutes the first time)"
started=$(date +%s)
rm -rf "$DEST.tmp"
mkdir -p "$DEST.tmp"
(cd "$SRC" && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -o "$DEST.tmp/vault-dev" . </dev/null)
echo "$stamp" > "$DEST.tmp/source.sha256"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "install-vault: built $DEST/vault-dev in $(( $(date +%s) - started )) s"
