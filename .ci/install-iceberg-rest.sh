#!/usr/bin/env bash
# Builds the test Iceberg REST catalog (test/fixtures/java/iceberg-rest: the Iceberg project's
# RESTCatalogAdapter and RESTCatalogServlet on Jetty over a sqlite JDBC catalog) into one
# shaded jar, <cache>/tools/iceberg-rest-<key>/iceberg-rest.jar, where <key> hashes the pom
# and sources exactly as test/helpers/iceberg-rest.ts does. Maven's local repository is
# <cache>/maven-repo, so a rebuild after a source change works offline. Needs Java 17 and
# Maven (installed from Debian when missing). Idempotent. Never reads stdin.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
SRC=test/fixtures/java/iceberg-rest
KEY=$(cd "$SRC" && find . -type f -not -path './target/*' | LC_ALL=C sort \
  | xargs sha256sum | sha256sum | cut -c1-16)
DEST="$CACHE/tools/iceberg-rest-$KEY"
if [ -f "$DEST/iceberg-rest.jar" ]; then
  echo "install-iceberg-rest: already built ($DEST/iceberg-rest.jar)"
  exit 0
fi
if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
  echo "install-iceberg-rest: installing Debian's maven and openjdk-17-jdk-headless"
  DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    maven openjdk-17-jdk-headless </dev/null
fi
echo "install-iceberg-rest: building $SRC (Maven downloads ~190 MB the first time)"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/pom.xml" "$SRC/src" "$WORK/"
REPO="$CACHE/maven-repo"
mvn_package() { (cd "$WORK" && mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$REPO" "$@" package </dev/null); }
# Offline first: a warm local repository needs no network; online when something is missing.
if [ ! -d "$REPO" ] || ! mvn_package -o; then
  mvn_package
fi
mkdir -p "$DEST.tmp"
mv "$WORK/target/iceberg-rest.jar" "$DEST.tmp/iceberg-rest.jar"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "install-iceberg-rest: built $DEST/iceberg-rest.jar"
