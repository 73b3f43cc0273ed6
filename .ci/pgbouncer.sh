#!/usr/bin/env bash
# PgBouncer in transaction pooling mode in front of the test PostgreSQL server, for the
# tests of authflow/sqlstore (its "pgbouncer" backend). Needs the server of .ci/postgres.sh
# (or AUTHFLOW_TEST_POSTGRES naming a server on a Unix socket) to be running.
#
#   eval "$(bash .ci/pgbouncer.sh)"   # start it; prints the export line for your shell
#   bash .ci/pgbouncer.sh stop        # stop it
#   source .ci/pgbouncer.sh           # what .ci/run does: start it, export AUTHFLOW_TEST_PGBOUNCER
#
# With AUTHFLOW_TEST_PGBOUNCER already set, it does nothing: the tests use that pooler.
#
# It installs Debian's pgbouncer package when it is missing and it runs as root, then runs
# PgBouncer with its own configuration in $AUTHFLOW_PGB_DIR (default /tmp/authflow-pgbouncer),
# listening on a Unix socket in that directory only, port 6432 (the socket's name). Every
# database name maps to the database of that name on the server, so that each test can use a
# database of its own; the tests create them over the direct connection, so the role
# "authflow" is given CREATEDB (and pg_signal_backend, to drop them WITH (FORCE)). Each database gets a pool of 2 server connections, handed out
# in turn (server_round_robin): a client's consecutive transactions run on different server
# connections, so anything that depended on session state would fail at once.
#
# The exported URL sets pgx's default_query_exec_mode=exec, the setting pgx documents for
# PgBouncer before 1.21 (Debian 12 ships 1.18): no named prepared statements.
# When sourced, it sets AUTHFLOW_PGB_STARTED=1 if it started PgBouncer.

authflow_pgb_main() {
  local dir=${AUTHFLOW_PGB_DIR:-${TMPDIR:-/tmp}/authflow-pgbouncer}
  local port=6432 pg_host as_pg=()

  if [ -n "${AUTHFLOW_TEST_PGBOUNCER:-}" ] && [ "${1:-}" != stop ]; then
    echo "pgbouncer.sh: using AUTHFLOW_TEST_PGBOUNCER from the environment" >&2
    return 0
  fi

  if [ "${1:-}" = stop ]; then
    if [ -f "$dir/pgbouncer.pid" ]; then
      local pid
      pid=$(cat "$dir/pgbouncer.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    return 0
  fi

  if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "pgbouncer.sh: no pgbouncer found; install it (Debian: apt-get install pgbouncer)" >&2
      return 1
    fi
    echo "pgbouncer.sh: installing pgbouncer" >&2
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pgbouncer >&2
  fi
  local bin
  bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  # Debian's package starts a server of its own where systemd runs; this one
  # has its own directory and socket, and does not touch that one.

  # The server's socket directory: the host= parameter of the URL postgres.sh exports.
  pg_host=$(printf '%s\n' "${AUTHFLOW_TEST_POSTGRES:-}" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')
  if [ -z "$pg_host" ] || [ "${pg_host#/}" = "$pg_host" ]; then
    echo "pgbouncer.sh: AUTHFLOW_TEST_POSTGRES must name a server on a Unix socket (host=/dir); source .ci/postgres.sh first" >&2
    return 1
  fi

  # PgBouncer refuses to run as root: as root, run it as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    as_pg=(runuser -u postgres --)
  fi
  mkdir -p "$dir"
  if [ "${#as_pg[@]}" -gt 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"

  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$pg_host

[pgbouncer]
listen_addr =
listen_port = $port
unix_socket_dir = $dir
pool_mode = transaction
server_round_robin = 1
default_pool_size = 2
max_client_conn = 500
auth_type = trust
auth_file = $dir/userlist.txt
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
  echo '"authflow" ""' >"$dir/userlist.txt"
  if [ "${#as_pg[@]}" -gt 0 ]; then chown postgres: "$dir"/pgbouncer.ini "$dir"/userlist.txt; fi

  local psql
  psql=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql
  [ -x "$psql" ] || psql=psql
  # The tests make a database of their own over the direct connection, and drop it WITH
  # (FORCE), which must end the server's other processes in it: PgBouncer's connections,
  # and an autovacuum worker, which only pg_signal_backend may end.
  "$psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_host" -U postgres -d postgres \
    -c "ALTER ROLE authflow CREATEDB" -c "GRANT pg_signal_backend TO authflow" >&2 ||
    { echo "pgbouncer.sh: cannot give the role authflow CREATEDB and pg_signal_backend" >&2; return 1; }

  local url="postgres://authflow@/authflow_test?host=$dir&port=$port&sslmode=disable&default_query_exec_mode=exec"
  if ! "$psql" -X -q -h "$dir" -p "$port" -U authflow -d authflow_test -tAc 'SELECT 1' >/dev/null 2>&1; then
    "${as_pg[@]}" "$bin" -d "$dir/pgbouncer.ini" >&2 || { tail -n 20 "$dir/pgbouncer.log" >&2; return 1; }
    local ok=""
    for _ in $(seq 100); do
      if "$psql" -X -q -h "$dir" -p "$port" -U authflow -d authflow_test -tAc 'SELECT 1' >/dev/null 2>&1; then ok=1; break; fi
      sleep 0.1
    done
    [ -n "$ok" ] || { echo "pgbouncer.sh: PgBouncer did not answer" >&2; tail -n 20 "$dir/pgbouncer.log" >&2; return 1; }
    AUTHFLOW_PGB_STARTED=1
  fi
  export AUTHFLOW_TEST_PGBOUNCER="$url"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: export into the caller's shell.
  authflow_pgb_main "$@"
else
  set -euo pipefail
  authflow_pgb_main "$@"
  if [ "${1:-}" != stop ]; then
    echo "export AUTHFLOW_TEST_PGBOUNCER='$AUTHFLOW_TEST_PGBOUNCER'"
  fi
fi
