#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server on loopback: initdb in a temporary folder,
# a free port, a password login, one database; DOWNTIME_TEST_POSTGRES_URL names it for the command.
# The server is stopped and its folder removed when the command ends (or fails, or is interrupted).
# PG_TLS=1: TLS only (ssl = on, hostssl in pg_hba.conf, plain connections rejected), with a CA and a
# certificate for 127.0.0.1 and localhost made here by openssl; DOWNTIME_TEST_POSTGRES_CA names the CA file.
# Usage: Tests/postgres/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "with-postgres: PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 2; }

dir=$(mktemp -d /tmp/dtm-pg.XXXXXX)
chmod 755 "$dir"
# initdb refuses root: run the server as the postgres user when we are root.
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    # From /: the checkout may be below a folder the postgres user cannot enter (/root is 0700).
    as() { (cd / && runuser -u postgres -- "$@"); }
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
tls=""
if [ "${PG_TLS:-0}" = 1 ]; then
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" \
        -days 2 -subj "/CN=with-postgres test CA" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/server.key" -subj /CN=localhost \
        -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial 1 -days 2 \
        -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
    chmod 600 "$dir/server.key"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/server.key" "$dir/server.pem"
    printf 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n' \
        > "$dir/data/pg_hba.conf"
    tls="-c ssl=on -c ssl_cert_file=$dir/server.pem -c ssl_key_file=$dir/server.key"
    export DOWNTIME_TEST_POSTGRES_CA="$dir/ca.pem"
fi
options="-c listen_addresses=127.0.0.1 -p $port -k $dir $fast $tls -c max_connections=400"
as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 2; }
# For tests that take the database away and bring it back on the same data (DOWNTIME_TEST_POSTGRES_CTL):
# start, stop (pg_ctl -m fast) or kill (SIGKILL to the postmaster and every backend: a host that died).
cat > "$dir/ctl.sh" <<CTL
#!/usr/bin/env bash
set -euo pipefail
case "\$1" in
    start) cd / && $( [ "$(id -u)" = 0 ] && echo "runuser -u postgres --" ) "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null ;;
    stop) cd / && $( [ "$(id -u)" = 0 ] && echo "runuser -u postgres --" ) "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ;;
    kill) pid=\$(head -1 "$dir/data/postmaster.pid"); pkill -KILL -P "\$pid" || true; kill -KILL "\$pid"
          while kill -0 "\$pid" 2>/dev/null || pgrep -P "\$pid" >/dev/null; do sleep 0.1; done ;;
    *) echo "usage: ctl.sh start|stop|kill" >&2; exit 2 ;;
esac
CTL
chmod 755 "$dir/ctl.sh"
export DOWNTIME_TEST_POSTGRES_CTL="$dir/ctl.sh"
PGPASSWORD=$password "$bin/psql" -q -h 127.0.0.1 -p "$port" -U dtm -d postgres -c "CREATE DATABASE downtime_test" >/dev/null

export DOWNTIME_TEST_POSTGRES_URL="postgres://dtm:$password@127.0.0.1:$port/downtime_test"
export DOWNTIME_TEST_POSTGRES_BIN="$bin"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)${tls:+, TLS only}"
"$@"
