#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use is up: starts the local cluster if it is not
# (Debian's pg_ctlcluster; the CI machine has no systemd), waits until it accepts
# connections, and creates the database of DATABASE_URL if it is missing. Assumes nothing
# was left behind by an earlier run. Usage: scripts/pg-test-env.sh [DATABASE_URL]
set -euo pipefail

url="${1:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}"
server="${url%/*}/postgres"
database="${url##*/}"
database="${database%%\?*}"

ready() { pg_isready -q -d "$server" -t 2; }

if ! ready; then
  if [ -d /etc/postgresql ]; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    echo "PostgreSQL is not answering; starting cluster $version/main" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 30); do ready && break; sleep 1; done
  ready || { echo "PostgreSQL did not become ready at $server" >&2; exit 1; }
fi

exists="$(psql -d "$server" -Atc "SELECT 1 FROM pg_database WHERE datname = '$database'")"
[ "$exists" = 1 ] || psql -q -d "$server" -c "CREATE DATABASE \"$database\""
psql -d "$url" -Atc 'SHOW server_version' | sed 's/^/PostgreSQL /'
