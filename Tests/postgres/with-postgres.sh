#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server on loopback: initdb in a temporary folder,
# a free port, a password login, one database; DOWNTIME_TEST_POSTGRES_URL names it for the command.
# The server is stopped and its folder removed when the command ends (or fails, or is interrupted).
# Usage: Tests/postgres/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "with-postgres: PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 2; }

dir=$(mktemp -d /tmp/dtm-pg.XXXXXX)
chmod 755 "$dir"
# initdb refuses root: run the server as the postgres user when we are root.
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    as() { runuser -u postgres -- "$@"; }
else
    as() { "$@"; }
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
echo "$password" > "$dir/pw"
[ "$(id -u)" = 0 ] && chown postgres: "$dir/pw"

stop() {
    as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

as "$bin/initdb" -D "$dir/data" -U dtm --auth=scram-sha-256 --pwfile="$dir/pw" -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 2; }
# Loopback only; fsync off: a test cluster is thrown away, and it keeps the suite fast. PG_DURABLE=1 keeps
# PostgreSQL's durable defaults (the benchmarks compare it with SQLite's synchronous=FULL).
fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_DURABLE:-0}" = 1 ] && fast=""
as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $fast -c max_connections=400" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 2; }
PGPASSWORD=$password "$bin/psql" -q -h 127.0.0.1 -p "$port" -U dtm -d postgres -c "CREATE DATABASE downtime_test" >/dev/null

export DOWNTIME_TEST_POSTGRES_URL="postgres://dtm:$password@127.0.0.1:$port/downtime_test"
export DOWNTIME_TEST_POSTGRES_BIN="$bin"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
"$@"
