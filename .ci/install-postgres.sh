#!/usr/bin/env bash
# Installs PostgreSQL 15 server binaries (Debian's postgresql-15: /usr/lib/postgresql/15/bin)
# for the tests that start a throwaway server on loopback (test/helpers/postgres-server.ts:
# initdb into a temp folder, pg_ctl on a free port; the postgres-reader and the postgres
# state backend tests). No cluster of the package is used. Idempotent; run as root (or with passwordless sudo).
set -euo pipefail

PACKAGES=(postgresql-15)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then missing+=("$pkg"); fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-postgres: already installed: ${PACKAGES[*]}"
else
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
      echo "install-postgres: must run as root to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "install-postgres: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update </dev/null
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi
test -x /usr/lib/postgresql/15/bin/initdb || { echo "install-postgres: /usr/lib/postgresql/15/bin/initdb missing" >&2; exit 1; }
