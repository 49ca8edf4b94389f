#!/usr/bin/env bash
# Installs PostgreSQL 15 server binaries (Debian's postgresql-15: /usr/lib/postgresql/15/bin)
# for the tests that start a throwaway server on loopback (test/helpers/postgres-server.ts:
# initdb into a temp folder, pg_ctl on a free port; the postgres-reader and the postgres
# state backend tests). No cluster of the package is used. Idempotent; run as root (or with passwordless sudo).
set -euo pipefail

source "$(dirname "$0")/debian-packages.sh"
debian_packages install-postgres postgresql-15
test -x /usr/lib/postgresql/15/bin/initdb || { echo "install-postgres: /usr/lib/postgresql/15/bin/initdb missing" >&2; exit 1; }
