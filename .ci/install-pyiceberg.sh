#!/usr/bin/env bash
# Installs pyiceberg with pyarrow (PyPI, pinned) in a venv under the cache folder:
# <cache>/venvs/pyiceberg. test/helpers/iceberg-read.py runs in it to read the tables the
# Iceberg target commits through the test REST catalog (test/helpers/iceberg-rest.ts).
# Idempotent: a venv whose marker names the pinned versions is kept. Never reads stdin.
set -euo pipefail
source "$(dirname "$0")/pinned-venv.sh"

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
pinned_venv install-pyiceberg "$CACHE/venvs/pyiceberg" "pyiceberg==0.12.0" "pyarrow==21.0.0"
