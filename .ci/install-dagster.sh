#!/usr/bin/env bash
# Installs Dagster and dagster-pipes, pinned, in a virtualenv under the cache folder, for the
# Dagster Pipes test (test/operations/dagster.test.ts runs examples/dagster in it).
# Idempotent: a venv whose marker names the pinned versions is kept. Never reads stdin.
set -euo pipefail
source "$(dirname "$0")/pinned-venv.sh"

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
pinned_venv install-dagster "$CACHE/venvs/dagster" dagster==1.13.29 dagster-pipes==1.13.29
