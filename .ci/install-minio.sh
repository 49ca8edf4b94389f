#!/usr/bin/env bash
# Builds MinIO (the S3 server test/pipeline/s3-target-minio.test.ts starts on loopback) from
# the Go module proxy at a pinned version, cached as <cache>/tools/minio-<version>/minio.
# Idempotent: an existing binary is kept. Never reads stdin.
set -euo pipefail

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
DEST="$CACHE/tools/minio-$VERSION"
if [ -x "$DEST/minio" ]; then
  echo "install-minio: minio $VERSION already built ($DEST/minio)"
  exit 0
fi
command -v go >/dev/null || { echo "install-minio: go is needed (Go toolchain)"; exit 1; }
echo "install-minio: building minio $VERSION (several minutes the first time)"
rm -rf "$DEST.tmp"
mkdir -p "$DEST.tmp"
GOBIN="$DEST.tmp" go install -trimpath "github.com/minio/minio@$VERSION" </dev/null
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "install-minio: built $DEST/minio"
