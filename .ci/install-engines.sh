#!/usr/bin/env bash
# Installs the Singer and Airbyte connectors the engine tests run (test/engines/), pinned,
# each in its own virtualenv under the cache folder, in the layout that
# `dativo-host engines install ENGINE PACKAGE` makes: <cache>/venvs/<engine>/<package>.
# Idempotent: a venv whose marker names the pinned version is kept. Never reads stdin.
set -euo pipefail
source "$(dirname "$0")/pinned-venv.sh"

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
CONNECTORS=(
  "singer tap-spreadsheets==1.1.2"
  "airbyte airbyte-source-faker==7.2.1"
  "singer target-jsonl==0.1.4"
)

for entry in "${CONNECTORS[@]}"; do
  read -r engine spec <<<"$entry"
  pinned_venv install-engines "$CACHE/venvs/$engine/${spec%%==*}" "$spec"
done
