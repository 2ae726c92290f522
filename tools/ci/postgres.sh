#!/usr/bin/env bash
# PostgreSQL for the @statecraft/storage-postgres tests.
#
#   tools/ci/postgres.sh [install]   make sure initdb/pg_ctl/postgres exist: apt-get install postgresql when they
#                                    are missing (and we are root or have sudo). The tests then start a
#                                    throwaway server of their own. Never fails: without PostgreSQL the tests
#                                    report themselves skipped and why.
#   tools/ci/postgres.sh start       also start one server on 127.0.0.1 (data in $STATECRAFT_PG_DIR, default
#                                    /tmp/statecraft-ci-pg; port $STATECRAFT_PG_PORT, default a free one) and print
#                                    `export STATECRAFT_TEST_POSTGRES_URL=...` for the tests to share it.
#   tools/ci/postgres.sh stop        stop that server and delete its data.
set -uo pipefail

cmd="${1:-install}"
dir="${STATECRAFT_PG_DIR:-/tmp/statecraft-ci-pg}"
port="${STATECRAFT_PG_PORT:-}"

log() { echo "ci/postgres: $*" >&2; }

has_all() { [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]; }

find_bin() {
  if [ -n "${STATECRAFT_POSTGRES_BIN:-}" ] && has_all "$STATECRAFT_POSTGRES_BIN"; then
    echo "$STATECRAFT_POSTGRES_BIN"
    return 0
  fi
  local p
  if p="$(command -v pg_ctl 2>/dev/null)"; then
    p="$(readlink -f "$p")"
    if has_all "$(dirname "$p")"; then
      dirname "$p"
      return 0
    fi
  fi
  # Debian keeps the server binaries out of PATH, in /usr/lib/postgresql/<version>/bin.
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if has_all "$d"; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

install() {
  local bin
  if bin="$(find_bin)"; then
    log "PostgreSQL binaries found in $bin"
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      log "PostgreSQL is missing and we can neither install packages (not root, no sudo): its tests will be skipped"
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "PostgreSQL is missing and apt-get is not available: its tests will be skipped"
    return 0
  fi
  log "installing PostgreSQL from the Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed; trying the install anyway"
  if ! $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null; then
    log "apt-get install postgresql failed: its tests will be skipped"
    return 0
  fi
  if bin="$(find_bin)"; then
    log "PostgreSQL binaries installed in $bin"
  else
    log "postgresql installed but initdb/pg_ctl/postgres were not found: its tests will be skipped"
  fi
  return 0
}

# Runs a PostgreSQL binary as a user it accepts (it refuses root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id -u postgres >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# A port free right now (the kernel picks it); 55432 when node is missing.
free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
  else
    echo 55432
  fi
}

start() {
  install
  local bin
  if ! bin="$(find_bin)"; then
    log "no PostgreSQL binaries: not starting a server"
    return 0
  fi
  if [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    port="$(sed -n 4p "$dir/data/postmaster.pid")"
    log "already running in $dir"
  else
    [ -n "$port" ] || port="$(free_port)"
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
      local user=postgres
      id -u postgres >/dev/null 2>&1 || user=nobody
      chown "$user" "$dir"
    fi
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >/dev/null || return 1
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $port -h 127.0.0.1 -k $dir -c max_connections=200" start >/dev/null || {
      cat "$dir/postgres.log" >&2
      return 1
    }
    log "started on 127.0.0.1:$port (data in $dir)"
  fi
  echo "export STATECRAFT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local bin
  if bin="$(find_bin)" && [ -d "$dir/data" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  log "stopped"
}

case "$cmd" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 [install|start|stop]" >&2
    exit 2
    ;;
esac
