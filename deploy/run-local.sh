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

# The collector's output is also kept, to see its own "listening" line: another program answering on the port
# must not be taken for it.
said=$(mktemp)
# In a session of its own, so Ctrl-C (the terminal's SIGINT to the foreground group) does not reach it: the agent
# stops first, sends its shutdown to a collector that still listens, and only then is the collector stopped.
DOWNTIME_PORT=$port setsid "$bin/downtime-collector" serve --data-dir "$data" > >(tee "$said") 2>&1 &
collector=$!
agent=""
stop() {
    if [ -n "$agent" ]; then
        kill -TERM "$agent" 2>/dev/null || true
        wait "$agent" 2>/dev/null || true
    fi
    kill -TERM "$collector" 2>/dev/null || true
    wait "$collector" 2>/dev/null || true
    rm -f "$said"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Wait for our collector to say it listens; stop here if it exited (it said why).
for _ in $(seq 150); do
    grep -q "listening on http" "$said" && break
    if ! kill -0 $collector 2>/dev/null; then
        wait $collector || rc=$?
        echo "make run: the collector did not start (exit ${rc:-0}; see the line above)" >&2
        exit 2
    fi
    sleep 0.2
done
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
