#!/usr/bin/env bash
# Starts the collector on ./data and an agent reporting this machine to it; Ctrl-C stops both.
set -euo pipefail
bin=${1:-.build/debug}
data=${DOWNTIME_DATA_DIR:-./data}
port=${DOWNTIME_PORT:-8899}
device=$(hostname | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9._\n-' '-')
mkdir -p "$data"

# The local device's token is kept beside the database so a second `make run` reuses it.
if [ ! -s "$data/local-agent.token" ]; then
    "$bin/downtime-collector" device add "$device" --data-dir "$data" | tail -n 1 > "$data/local-agent.token"
    chmod 600 "$data/local-agent.token"
fi

"$bin/downtime-collector" serve --port "$port" --data-dir "$data" &
collector=$!
agent=""
trap 'kill $collector $agent 2>/dev/null; wait' EXIT INT TERM

for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
if [ -x "$bin/downtime-agent" ] && "$bin/downtime-agent" --help 2>&1 | grep -q -- --collector; then
    "$bin/downtime-agent" --collector "http://127.0.0.1:$port" --device "$device" \
        --token "$(cat "$data/local-agent.token")" --state-dir "$data/agent" &
    agent=$!
else
    echo "(no agent built yet: only the collector runs)"
fi

echo
echo "DowntimeMon is running: open http://localhost:$port/  (device '$device' reports this machine; Ctrl-C stops)"
wait $collector
