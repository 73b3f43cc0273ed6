#!/usr/bin/env bash
# A Citus cluster on this machine for the tests of authflow/sqlstore: a coordinator and two
# workers, each a PostgreSQL 15 server with the citus extension.
#
#   eval "$(bash .ci/citus.sh)"   # start it; prints the export line for your shell
#   bash .ci/citus.sh stop        # stop it (its data stays for the next start)
#   bash .ci/citus.sh build       # only build and install Citus when it is missing
#   source .ci/citus.sh           # what .ci/run does: start it, export AUTHFLOW_TEST_CITUS
#
# With AUTHFLOW_TEST_CITUS already set, it does nothing: the tests use that cluster.
#
# When /usr/lib/postgresql/15/lib/citus.so is missing and it runs as root, it builds and
# installs Citus with ../shared/citus/build.sh beside the clone (Citus 13.2.2, AGPL-3.0, a test
# server only: nothing of it ships with the module). Each server runs as the postgres user in
# $AUTHFLOW_CITUS_DIR/node<i> (default /tmp/authflow-citus), listening on 127.0.0.1 only, on
# ports 9700 (the coordinator), 9701 and 9702 (the workers), with trust authentication and
# fsync off: it is for tests. Each holds a database authflow_test owned by the role authflow,
# with the extension; the coordinator knows itself and both workers. When sourced, it sets
# AUTHFLOW_CITUS_STARTED=1 if it started a server, so the caller can stop what it started.

authflow_citus_main() {
  local dir=${AUTHFLOW_CITUS_DIR:-${TMPDIR:-/tmp}/authflow-citus}
  local bin=/usr/lib/postgresql/15/bin lib=/usr/lib/postgresql/15/lib
  local ports=(9700 9701 9702) as_pg=() i port data
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

  if [ -n "${AUTHFLOW_TEST_CITUS:-}" ] && [ "${1:-}" != stop ]; then
    echo "citus.sh: using AUTHFLOW_TEST_CITUS from the environment" >&2
    return 0
  fi

  if [ ! -f "$lib/citus.so" ] && [ "${1:-}" != stop ]; then
    local build=$here/../shared/citus/build.sh
    if [ "$(id -u)" != 0 ] || [ ! -f "$build" ]; then
      echo "citus.sh: Citus is not installed; as root, run $build" >&2
      return 1
    fi
    echo "citus.sh: building Citus ($build)" >&2
    bash "$build" >&2 || return 1
  fi
  if [ "${1:-}" = build ]; then return 0; fi
  [ -x "$bin/pg_ctl" ] || { echo "citus.sh: PostgreSQL 15 is not installed ($bin)" >&2; return 1; }

  # The servers refuse to run as root: as root, run them as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
    as_pg=(runuser -u postgres --)
  fi

  if [ "${1:-}" = stop ]; then
    for i in 2 1 0; do
      data=$dir/node$i/data
      if [ -f "$data/postmaster.pid" ]; then "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >&2; fi
    done
    return 0
  fi

  mkdir -p "$dir"
  if [ "${#as_pg[@]}" -gt 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  for i in 0 1 2; do
    port=${ports[$i]} data=$dir/node$i/data
    "${as_pg[@]}" mkdir -p "$dir/node$i"
    if [ ! -f "$data/PG_VERSION" ]; then
      "${as_pg[@]}" "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$dir/node$i/initdb.log" 2>&1 || { cat "$dir/node$i/initdb.log" >&2; return 1; }
      # Citus commits a transaction that wrote on several nodes in two phases, and its nodes
      # talk over TCP on loopback: no TLS for a test cluster.
      "${as_pg[@]}" tee -a "$data/postgresql.conf" >/dev/null <<EOF
shared_preload_libraries = 'citus'
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/node$i'
max_connections = 300
max_prepared_transactions = 300
citus.node_conninfo = 'sslmode=disable'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/node$i/server.log" -w -t 60 start >&2 ||
        { tail -n 20 "$dir/node$i/server.log" >&2; return 1; }
      AUTHFLOW_CITUS_STARTED=1
    fi
  done

  local psql
  for i in 0 1 2; do
    psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${ports[$i]}" -U postgres)
    if [ -z "$("${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'authflow'")" ]; then
      "${psql[@]}" -d postgres -c "CREATE ROLE authflow LOGIN"
    fi
    if [ -z "$("${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'authflow_test'")" ]; then
      "${psql[@]}" -d postgres -c "CREATE DATABASE authflow_test OWNER authflow"
    fi
    "${psql[@]}" -d authflow_test -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS citus"
  done
  psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${ports[0]}" -U postgres -d authflow_test)
  "${psql[@]}" -tAc "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]})" >/dev/null
  for port in "${ports[@]:1}"; do
    if [ -z "$("${psql[@]}" -tAc "SELECT 1 FROM pg_dist_node WHERE nodeport = $port")" ]; then
      "${psql[@]}" -tAc "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null
    fi
  done
  export AUTHFLOW_TEST_CITUS="postgres://authflow@127.0.0.1:${ports[0]}/authflow_test?sslmode=disable"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: export into the caller's shell.
  authflow_citus_main "$@"
else
  set -euo pipefail
  authflow_citus_main "$@"
  if [ "${1:-}" != stop ] && [ "${1:-}" != build ]; then
    echo "export AUTHFLOW_TEST_CITUS='$AUTHFLOW_TEST_CITUS'"
  fi
fi
