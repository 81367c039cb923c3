#!/usr/bin/env bash
# Runs the reliability suite against the built binaries: malformed-request fuzz, schemathesis from the
# OpenAPI description, kill -9 under load, load held, and auth. Each script is bounded by `timeout`; the children
# they start die with them (setpriv --pdeathsig). The seed makes every run repeatable.
#
# usage: Tests/reliability/run.sh BIN_DIR VENV_DIR [SEED]
set -uo pipefail
bin=$1 venv=$2 seed=${3:-20261122}
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 names=()
run() {
  local name=$1 limit=$2; shift 2
  echo "=== reliability: $name (seed $seed, at most ${limit} s)"
  local start=$SECONDS
  if timeout -s KILL "$limit" python3 "$here/$1" --bin "$bin" "${@:2}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); names+=("$name")
  fi
  echo "=== $name took $((SECONDS - start)) s"
}
run "fuzz" 180 fuzz.py --seed "$seed" --count 10000
run "schemathesis" 240 schemathesis_run.py --venv "$venv" --seed "$seed" --max-time 60
run "kill -9 under load" 180 crash.py --seed "$seed" --kills 20
run "load held" 120 load.py --idle 1000 --slow 5 --beats 50
run "auth" 60 auth_live.py
[ $failed -eq 0 ] || echo "failed: ${names[*]}"
echo "reliability: $passed passed, $failed failed"
[ $failed -eq 0 ]
