#!/usr/bin/env bash
# A private, throwaway PostgreSQL 15 cluster for the store tests.
#
#   scripts/postgres-for-tests.sh start DIR   # prints one line: postgresql://soko@127.0.0.1:PORT/soko_test
#   scripts/postgres-for-tests.sh stop DIR    # stops the server and removes DIR
#
# DIR should be a fresh temporary directory (`mktemp -d`). The cluster lives in DIR/data, its
# Unix socket in DIR, its log in DIR/log. Durability is switched off: the data is thrown away.
# Everything but the URL goes to stderr, so callers can capture stdout.
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
DATABASE=soko_test
SUPERUSER=soko

log() { printf '[postgres-for-tests] %s\n' "$*" >&2; }
die() { printf '[postgres-for-tests] ERROR: %s\n' "$*" >&2; exit 1; }

# initdb and postgres refuse to run as root, so root runs them as the `postgres` user (which
# the Debian package creates). Anyone else runs them as themselves.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Prints the server log (the only place startup errors are explained), then fails.
die_with_log() {
  local dir="$1"; shift
  if [ -f "$dir/log" ]; then
    printf '[postgres-for-tests] ---- server log (%s/log) ----\n' "$dir" >&2
    cat "$dir/log" >&2 || true
    printf '[postgres-for-tests] ---- end of server log ----\n' >&2
  fi
  die "$*"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir="$1"
  [ -x "$BIN/initdb" ] || die "$BIN/initdb not found: install the postgresql package (scripts/install-deps.sh)"
  command -v python3 >/dev/null 2>&1 || die "python3 not found (needed to pick a free port)"
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty; give a fresh directory (mktemp -d)"
  dir="$(cd "$dir" && pwd)"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    # The server user must be able to reach DIR; mktemp's /tmp/tmp.* is fine, /root/... is not.
    runuser -u postgres -- test -w "$dir" || die "the postgres user cannot write $dir (is a parent directory private?)"
  fi
  # Run from DIR: the server user may not be allowed into the caller's working directory.
  cd "$dir"

  log "initdb in $dir/data"
  as_server_user "$BIN/initdb" -D "$dir/data" -A trust -U "$SUPERUSER" --no-sync -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  local port
  port="$(free_port)" || die "could not pick a free port"
  log "starting on 127.0.0.1:$port (socket in $dir)"
  as_server_user "$BIN/pg_ctl" -D "$dir/data" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=400" \
    -l "$dir/log" -w -t 60 start >&2 || die_with_log "$dir" "pg_ctl start failed"

  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$SUPERUSER" -d postgres \
    -c "CREATE DATABASE $DATABASE" >&2 || die_with_log "$dir" "could not create database $DATABASE"

  echo "postgresql://$SUPERUSER@127.0.0.1:$port/$DATABASE"
}

stop() {
  local dir="$1"
  [ -d "$dir" ] || { log "$dir does not exist; nothing to stop"; return 0; }
  dir="$(cd "$dir" && pwd)"
  [ "$dir" != "/" ] || die "refusing to remove /"
  if [ -f "$dir/data/postmaster.pid" ]; then
    (cd "$dir" && as_server_user "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2) \
      || die_with_log "$dir" "pg_ctl stop failed; leaving $dir in place"
  fi
  rm -rf "$dir"
}

[ "$#" -eq 2 ] || die "usage: $0 start|stop DIR"
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
