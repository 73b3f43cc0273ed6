#!/usr/bin/env bash
# A private PostgreSQL server for the tests of authflow/sqlstore and the demo server.
#
#   eval "$(bash .ci/postgres.sh)"   # start it; prints the export line for your shell
#   bash .ci/postgres.sh stop        # stop it (its data stays for the next start)
#   source .ci/postgres.sh           # what .ci/run does: start it, export AUTHFLOW_TEST_POSTGRES
#
# With AUTHFLOW_TEST_POSTGRES already set, it does nothing: the tests use that server.
#
# It installs Debian's postgresql package when no server binaries are found and it runs as
# root, then runs a cluster of its own in $AUTHFLOW_PG_DIR (default /tmp/authflow-postgres),
# listening on a Unix socket in that directory only (no TCP port, so it conflicts with no
# other server), with a role "authflow" owning a database "authflow_test". The cluster is
# for tests: fsync is off. When sourced, it sets AUTHFLOW_PG_STARTED=1 if it started the
# server, so the caller can stop what it started and only that.

authflow_pg_main() {
  local dir=${AUTHFLOW_PG_DIR:-${TMPDIR:-/tmp}/authflow-postgres}
  local data=$dir/data bin="" as_pg=()

  if [ -n "${AUTHFLOW_TEST_POSTGRES:-}" ] && [ "${1:-}" != stop ]; then
    echo "postgres.sh: using AUTHFLOW_TEST_POSTGRES from the environment" >&2
    return 0
  fi

  find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }
  bin=$(find_bin)
  if [ -z "$bin" ] && command -v pg_ctl >/dev/null; then bin=$(dirname "$(command -v pg_ctl)"); fi
  if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "postgres.sh: no PostgreSQL server found; install it (Debian: apt-get install postgresql)" >&2
      return 1
    fi
    echo "postgres.sh: installing postgresql" >&2
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
    bin=$(find_bin)
    [ -n "$bin" ] || { echo "postgres.sh: postgresql installed, but no server binaries found" >&2; return 1; }
  fi

  # The server refuses to run as root: as root, run it as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
    as_pg=(runuser -u postgres --)
  fi

  if [ "${1:-}" = stop ]; then
    if [ -f "$data/postmaster.pid" ]; then "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >&2; fi
    return 0
  fi

  mkdir -p "$dir"
  if [ "${#as_pg[@]}" -gt 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    "${as_pg[@]}" "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; return 1; }
  fi
  if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2 || { tail -n 20 "$dir/server.log" >&2; return 1; }
    AUTHFLOW_PG_STARTED=1
  fi

  local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres -d postgres)
  if [ -z "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'authflow'")" ]; then
    "${psql[@]}" -c "CREATE ROLE authflow LOGIN"
  fi
  if [ -z "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'authflow_test'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE authflow_test OWNER authflow"
  fi
  export AUTHFLOW_TEST_POSTGRES="postgres://authflow@/authflow_test?host=$dir&sslmode=disable"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: export into the caller's shell.
  authflow_pg_main "$@"
else
  set -euo pipefail
  authflow_pg_main "$@"
  if [ "${1:-}" != stop ]; then
    echo "export AUTHFLOW_TEST_POSTGRES='$AUTHFLOW_TEST_POSTGRES'"
  fi
fi
