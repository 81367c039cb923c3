#!/usr/bin/env bash
# `make bench` (short) and `make bench-long`: every benchmark against the release binaries, each bounded by
# `timeout`, then the `bench:` summary lines again at the end (they are what BENCHMARKS.md reports).
#
# usage: Tests/bench/run.sh RELEASE_BIN_DIR STATIC_BIN_DIR short|long
set -uo pipefail
bin=$(cd "$1" && pwd) static=$(cd "$2" && pwd) mode=${3:-short}
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp /tmp/dtm-bench-XXXXXX.log)
failed=()
run() {
  local name=$1 limit=$2; shift 2
  echo "=== bench: $name (at most ${limit} s)"
  local start=$SECONDS
  if ! timeout -s KILL "$limit" "$@" 2>&1 | tee -a "$log"; then failed+=("$name"); fi
  echo "=== $name took $((SECONDS - start)) s"
}
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
       "load $(cut -d' ' -f1-3 /proc/loadavg); $(swift --version 2>&1 | head -1)"
} | tee -a "$log"
if [ "$mode" = long ]; then
  run "fleet (5 min)" 1200 python3 "$here/fleet.py" --bin "$bin" --duration 300 --rounds 1
else
  run "ingest" 900 python3 "$here/ingest.py" "$bin" --https --checks
  run "detection" 180 python3 "$here/detection.py" --bin "$bin"
  [ -f "$here/agent_footprint.py" ] && run "agent footprint" 600 python3 "$here/agent_footprint.py" --bin "$bin" --static-bin "$static"
  # The collector and its floor server in 3 interleaved rounds of a minute each (issue 33).
  run "fleet (1 min, 3 rounds with the floor)" 1200 python3 "$here/fleet.py" --bin "$bin" --duration 60 --rounds 3
  run "outage accuracy" 300 python3 "$here/accuracy.py" --bin "$bin"
  run "cold start" 1800 python3 "$here/coldstart.py" --bin "$bin"
  run "page" 600 "$bin/downtime-bench" page
  run "overview at 10,000 devices" 900 python3 "$here/overview.py" --bin "$bin"
fi
echo
echo "=== summary ($mode)"
grep -E '^(machine:|bench:)' "$log"
[ ${#failed[@]} -eq 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
