#!/usr/bin/env bash
# Installs moto's server (a real AWS API implementation, PyPI moto[server]), pinned, in a venv
# under the cache folder: <cache>/venvs/moto. test/secrets/aws.test.ts starts it on loopback.
# Idempotent: a venv whose marker names the pinned version is kept. Never reads stdin.
set -euo pipefail
source "$(dirname "$0")/pinned-venv.sh"

CACHE="${DATIVO_CACHE_DIR:-$HOME/.cache/dativo-host}"
pinned_venv install-moto "$CACHE/venvs/moto" "moto[server]==5.2.5"
