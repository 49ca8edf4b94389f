#!/usr/bin/env bash
# Installs the Singer and Airbyte connectors the engine tests run (test/engines/), pinned,
# each in its own virtualenv under the cache folder, in the layout that
# `dativo-host engines install ENGINE PACKAGE` makes: <cache>/venvs/<engine>/<package>.
# Idempotent: a venv whose marker names the pinned version is kept. Never reads stdin.
set -euo pipefail

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
CONNECTORS=(
  "singer tap-spreadsheets==1.1.2"
  "airbyte airbyte-source-faker==7.2.1"
  "singer target-jsonl==0.1.4"
)

PY="${DATIVO_PYTHON:-python3}"
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "install-engines: $PY cannot make a venv; installing Debian's python3-venv"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" apt-get install -y --no-install-recommends python3 python3-venv </dev/null
  PY=/usr/bin/python3
fi

for entry in "${CONNECTORS[@]}"; do
  read -r engine spec <<<"$entry"
  name="${spec%%==*}"
  venv="$CACHE/venvs/$engine/$name"
  if [ -f "$venv/.dativo-installed" ] && [ "$(cat "$venv/.dativo-installed")" = "$spec" ]; then
    echo "install-engines: $engine $spec already installed ($venv)"
    continue
  fi
  echo "install-engines: installing $engine $spec into $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$PY" -m venv "$venv" </dev/null
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec" </dev/null
  printf '%s' "$spec" >"$venv/.dativo-installed"
done
