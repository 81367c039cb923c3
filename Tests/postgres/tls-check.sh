#!/usr/bin/env bash
# The collector's --database URLs with sslmode=require / verify-full against real PostgreSQL servers:
# the plain server with-postgres.sh started refuses them with one clear line and exit 2; a TLS-only
# server (PG_TLS=1, certificate made by with-postgres.sh) accepts them, and plain connections fail there.
# Usage: Tests/postgres/with-postgres.sh Tests/postgres/tls-check.sh BIN_DIR
set -uo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
work=$(mktemp -d /tmp/dtm-pgtls.XXXXXX)
trap 'rm -rf "$work"' EXIT

# expect NAME STATUS WORDS ARGS...: downtime-collector ARGS exits STATUS and its output has WORDS.
expect() {
    local name=$1 status=$2 words=$3
    shift 3
    local out rc
    out=$("$bin/downtime-collector" "$@" --data-dir "$work" 2>&1)
    rc=$?
    if [ "$rc" = "$status" ] && [[ "$out" == *"$words"* ]] && { [ "$status" = 0 ] || [ "$(wc -l <<<"$out")" = 1 ]; }; then
        passed=$((passed + 1))
        echo "ok   $name: exit $rc${words:+, \"$words\"}"
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc (wanted $status with \"$words\"): $out"
    fi
}

url=$DOWNTIME_TEST_POSTGRES_URL
if [ -z "${DOWNTIME_TEST_POSTGRES_CA:-}" ]; then
    echo "tls-check: against a server without TLS"
    expect "plain URL works" 0 "" device list --database "$url"
    expect "require refused" 2 "does not offer TLS" device list --database "$url?sslmode=require"
    expect "verify-full refused" 2 "does not offer TLS" device list --database "$url?sslmode=verify-full"
    expect "serve refuses too" 2 "does not offer TLS" serve --host 127.0.0.1 --port 0 --database "$url?sslmode=require"
    PG_TLS=1 "$here/with-postgres.sh" "$0" "$bin"
    inner=$?
    echo "tls-check: $passed passed, $failed failed (without TLS)"
    [ "$failed" = 0 ] && [ "$inner" = 0 ]
    exit
fi

ca=$DOWNTIME_TEST_POSTGRES_CA
echo "tls-check: against a TLS-only server"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/other.key" -out "$work/other.pem" \
    -days 2 -subj "/CN=another CA" 2>/dev/null
local_url=${url/127.0.0.1/localhost}
expect "require" 0 "Added device" device add pg-tls --database "$url?sslmode=require"
expect "verify-full with sslrootcert" 0 "pg-tls" device list --database "$url?sslmode=verify-full&sslrootcert=$ca"
expect "verify-full by host name" 0 "pg-tls" device list --database "$local_url?sslmode=verify-full&sslrootcert=$ca"
expect "verify-full, another CA" 2 "not signed by a trusted CA" device list --database "$url?sslmode=verify-full&sslrootcert=$work/other.pem"
expect "plain on a TLS-only server" 2 "no encryption" device list --database "$url"
# The collector itself runs on it: it listens, then stops on SIGTERM.
"$bin/downtime-collector" serve --host 127.0.0.1 --port 0 --data-dir "$work" \
    --database "$url?sslmode=verify-full&sslrootcert=$ca" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/serve.log" && break; sleep 0.2; done
if grep -q "listening on" "$work/serve.log"; then
    passed=$((passed + 1)); echo "ok   serve with verify-full"
else
    failed=$((failed + 1)); echo "FAIL serve with verify-full: $(cat "$work/serve.log")"
fi
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
echo "tls-check: $passed passed, $failed failed (TLS only)"
[ "$failed" = 0 ]
