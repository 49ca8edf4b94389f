#!/usr/bin/env bash
# Installs moto's server (a real AWS API implementation, PyPI moto[server]), pinned, in a venv
# under the cache folder: <cache>/venvs/moto. test/secrets/aws.test.ts starts it on loopback.
# Idempotent: a venv whose marker names the pinned version is kept. Never reads stdin.
set -euo pipefail

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
SPEC="moto[server]==5.2.5"
VENV="$CACHE/venvs/moto"

if [ -f "$VENV/.dativo-installed" ] && [ "$(cat "$VENV/.dativo-installed")" = "$SPEC" ]; then
  echo "install-moto: $SPEC already installed ($VENV)"
  exit 0
fi
PY="${DATIVO_PYTHON:-python3}"
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" apt-get install -y --no-install-recommends python3 python3-venv </dev/null
  PY=/usr/bin/python3
fi
echo "install-moto: installing $SPEC into $VENV"
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PY" -m venv "$VENV" </dev/null
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$SPEC" </dev/null
printf '%s' "$SPEC" >"$VENV/.dativo-installed"
