#!/usr/bin/env bash
# Installs Dagster and dagster-pipes, pinned, in a virtualenv under the cache folder, for the
# Dagster Pipes test (test/operations/dagster.test.ts runs examples/dagster in it).
# Idempotent: a venv whose marker names the pinned versions is kept. Never reads stdin.
set -euo pipefail

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
SPECS="dagster==1.13.29 dagster-pipes==1.13.29"
venv="$CACHE/venvs/dagster"

PY="${DATIVO_PYTHON:-python3}"
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "install-dagster: $PY cannot make a venv; installing Debian's python3-venv"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" apt-get install -y --no-install-recommends python3 python3-venv </dev/null
  PY=/usr/bin/python3
fi

if [ -f "$venv/.dativo-installed" ] && [ "$(cat "$venv/.dativo-installed")" = "$SPECS" ]; then
  echo "install-dagster: $SPECS already installed ($venv)"
  exit 0
fi
echo "install-dagster: installing $SPECS into $venv"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$PY" -m venv "$venv" </dev/null
# shellcheck disable=SC2086
"$venv/bin/pip" install --quiet --disable-pip-version-check $SPECS </dev/null
printf '%s' "$SPECS" >"$venv/.dativo-installed"
