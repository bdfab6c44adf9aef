#!/usr/bin/env bash
# A PostgreSQL server that lives in one folder, for tests and benchmarks only (fsync is off).
#
#   scripts/throwaway-postgres.sh start DIR PORT   prints postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/throwaway-postgres.sh stop DIR
#
# Uses Debian's newest /usr/lib/postgresql/<version>/bin (installing `postgresql` with apt-get if there is
# none). Debian's initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

usage() {
  echo "Usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

say() { echo "throwaway-postgres: $*" >&2; }

newest_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1 || true)
  [[ -n $dir && -x $dir/initdb ]] && echo "$dir"
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

ensure_postgresql() {
  if ! newest_bin_dir >/dev/null; then
    say "no PostgreSQL binaries in /usr/lib/postgresql; installing the postgresql package"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  newest_bin_dir || {
    say "PostgreSQL is still missing after apt-get install postgresql"
    exit 1
  }
}

# Runs a PostgreSQL program as the user who owns the cluster: ourselves, or `postgres` when we are root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pick_locale() {
  if locale -a 2>/dev/null | grep -qix 'en_US.utf-\?8'; then echo en_US.UTF-8; else echo C.UTF-8; fi
}

start() {
  local dir=$1 port=$2 bin
  [[ $port =~ ^[0-9]+$ ]] || usage
  bin=$(ensure_postgresql)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ -e $dir/data ]]; then
    say "$dir/data already exists; stop and remove it first"
    exit 1
  fi
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      say "the postgres user cannot reach $dir (a parent folder is private); use a folder under /tmp"
      exit 1
    fi
  fi
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale="$(pick_locale)" >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # Tests only: fsync and friends off trade crash safety for speed; sockets stay inside DIR.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || {
    say "the server did not start; its log follows"
    cat "$dir/postgres.log" >&2
    exit 1
  }
  for _ in $(seq 1 60); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      echo "postgres://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    sleep 0.5
  done
  say "the server started but does not answer on 127.0.0.1:$port; its log follows"
  cat "$dir/postgres.log" >&2
  exit 1
}

stop() {
  local dir=$1 bin
  if [[ ! -f $dir/data/postmaster.pid ]]; then
    say "no server running in $dir"
    return 0
  fi
  bin=$(newest_bin_dir) || {
    say "PostgreSQL binaries are missing; cannot stop the server in $dir"
    exit 1
  }
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
}

case "${1:-}" in
  start)
    [[ $# -eq 3 ]] || usage
    start "$2" "$3"
    ;;
  stop)
    [[ $# -eq 2 ]] || usage
    stop "$2"
    ;;
  *) usage ;;
esac
