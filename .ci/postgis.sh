#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for the store tests (Debian packages, no network).
#
#   eval "$(bash .ci/postgis.sh start)"   # prints `export GEOPLAN_TEST_POSTGIS=… GEOPLAN_PG_DIR=…`
#   bash .ci/postgis.sh stop "$GEOPLAN_PG_DIR"
#
# The cluster lives in a temp folder owned by the `postgres` user when run as root (initdb refuses
# root), listens on 127.0.0.1 at a free port with password (scram) authentication, keeps its Unix
# socket in the temp folder, and holds one database `geoplan_test` with the postgis extension.
set -euo pipefail

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "postgis.sh: no PostgreSQL server found (apt-get install postgresql postgresql-15-postgis-3)" >&2; exit 1; }
  echo "$d"
}

as_owner() {  # run a command as the cluster owner
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin dir port pw
  bin=$(pg_bin)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/geoplan-pg.XXXXXX")
  chmod 755 "$dir"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$dir"
  pw=$(python3 -c "import secrets; print(secrets.token_hex(12))")
  port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()")
  printf '%s\n' "$pw" > "$dir/pw"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$dir/pw"
  as_owner "$bin/initdb" -D "$dir/data" -U geoplan --auth=scram-sha-256 --pwfile="$dir/pw" -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pw"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  PGPASSWORD="$pw" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U geoplan -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE geoplan_test" >&2
  PGPASSWORD="$pw" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U geoplan -d geoplan_test -v ON_ERROR_STOP=1 \
    -c "CREATE EXTENSION postgis" >&2
  echo "export GEOPLAN_PG_DIR=$dir"
  echo "export GEOPLAN_TEST_POSTGIS=postgresql://geoplan:$pw@127.0.0.1:$port/geoplan_test"
}

stop() {
  local dir=${1:-${GEOPLAN_PG_DIR:-}} bin
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  bin=$(pg_bin)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
