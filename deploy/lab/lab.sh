#!/usr/bin/env bash
# DowntimeMon lab: a small network of network namespaces on this machine, the real collector in
# one and three real agents in three others, and a scenario with assertions:
#   1. all three devices come up;
#   2. lab-a1's link is cut: it turns down within its deadline, and once the link is back it is up
#      again with a collector_unreachable interval and no outage;
#   3. lab-a2 is killed (kill -9) and "rebooted" (a new boot id and a small uptime, through the
#      agent's test hooks): an outage with cause power_loss over the right window;
#   4. the collector is stopped for LAB_COLLECTOR_AWAY seconds (default 60): afterwards no device
#      has a false outage or a down flip, and every log has a collector_down record (unknown).
#
# usage: deploy/lab/lab.sh [BIN_DIR]   (BIN_DIR holds downtime-collector and downtime-agent;
#        default $DOWNTIME_BIN_DIR, else .build/debug)
# Needs root and `ip netns`; otherwise it says so and exits 0 (skipped). Everything lives in
# namespaces named dmlPID-*: a switch (a bridge), the collector at 10.213.0.1 and the agents at
# 10.213.0.11-13. Nothing is added to this machine's own network namespace and no packet leaves
# the lab. Everything is torn down on exit, also on failure or timeout; the whole run is bounded
# (LAB_TIMEOUT, default LAB_COLLECTOR_AWAY + 120 s). LAB_KEEP=1 keeps the logs folder.
set -eu

AWAY=${LAB_COLLECTOR_AWAY:-60}
LIMIT=${LAB_TIMEOUT:-$((AWAY + 120))}
INTERVAL=1 MISSES=3 GRACE=1
DEADLINE=$((MISSES * INTERVAL + GRACE))   # down after misses x interval + grace, from the last beat
PORT=8899
NET=10.213.0
COLLECTOR_URL=http://$NET.1:$PORT

case $AWAY in ''|*[!0-9]*) echo "lab: LAB_COLLECTOR_AWAY must be whole seconds" >&2; exit 2 ;; esac
case $LIMIT in ''|*[!0-9]*) echo "lab: LAB_TIMEOUT must be whole seconds" >&2; exit 2 ;; esac

skip() {
    echo "SKIP: lab not run: $*"
    echo "0 passed, 0 failed (lab skipped)"
    exit 0
}
[ "$(id -u)" = 0 ] || skip "it needs root for network namespaces (run make test as root to include it)"
command -v ip >/dev/null || skip "ip (iproute2) is missing"
for tool in curl python3 timeout; do
    command -v $tool >/dev/null || { echo "FAIL: lab needs $tool (make deps installs it)"; exit 1; }
done
probe=dmlprobe$$
ip netns add $probe 2>/dev/null || skip "'ip netns add' is not allowed here (a container without CAP_SYS_ADMIN?)"
if ! ip -n $probe link add br0 type bridge 2>/dev/null || ! ip -n $probe link add v0 type veth peer name v1 2>/dev/null; then
    ip netns del $probe
    skip "bridges or veth pairs cannot be made in a network namespace here"
fi
ip netns del $probe

BIN=${1:-${DOWNTIME_BIN_DIR:-.build/debug}}
BIN=$(cd "$BIN" 2>/dev/null && pwd) || { echo "FAIL: lab: no folder $BIN"; exit 1; }
for b in downtime-collector downtime-agent; do
    [ -x "$BIN/$b" ] || { echo "FAIL: lab: $BIN/$b is missing (swift build first)"; exit 1; }
done

# Bound the whole run: re-run this script under timeout; its TERM runs the teardown below.
if [ -z "${LAB_BOUNDED:-}" ]; then
    export LAB_BOUNDED=1
    rc=0
    timeout -k 20 "$LIMIT" "$0" "$BIN" || rc=$?
    [ $rc != 124 ] || echo "FAIL: the lab ran over its time limit of $LIMIT s (LAB_TIMEOUT)"
    exit $rc
fi

# ---------------------------------------------------------------- state and teardown
ID=dml$$
SW=$ID-sw
NODES="c a1 a2 a3"
NAMESPACES=""
TMP=$(mktemp -d /tmp/downtime-lab.XXXXXX)
START=$(date +%s)
P=0
PIDS=()          # every process this script started, by id
CPID=""
declare -A APID TOKEN

log() { printf '[lab %3ss] %s\n' $(( $(date +%s) - START )) "$*"; }
pass() { P=$((P + 1)); echo "PASS: $*"; }
teardown() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    sleep 0.3
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    for ns in $NAMESPACES; do
        # Anything still inside a namespace of ours was started by this script.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    if [ $rc != 0 ]; then
        echo "--- lab failed; the last lines of each log:"
        for f in "$TMP"/*.log; do [ -f "$f" ] && { echo "== $(basename "$f")"; tail -n 15 "$f"; }; done
    fi
    if [ "${LAB_KEEP:-0}" = 1 ]; then echo "lab: logs kept in $TMP"; else rm -rf "$TMP"; fi
    local left
    left=$(ip netns list 2>/dev/null | grep -c "^$ID-" || true)
    [ "$left" = 0 ] && log "torn down: lab processes stopped, namespaces $ID-* deleted" ||
        echo "lab: warning: $left namespaces of $ID are left"
    [ $rc = 0 ] || echo "$P passed, 1 failed"
    [ -z "${SUMMARY:-}" ] || echo "$SUMMARY"
    exit $rc
}
trap teardown EXIT
trap 'echo "FAIL: lab interrupted (time limit or signal)"; exit 124' TERM INT
die() { echo "FAIL: $*"; exit 1; }

# Namespaces of earlier runs that were killed before their teardown.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^dml[0-9]+-' || true); do
    pid=${ns%%-*}; pid=${pid#dml}
    kill -0 "$pid" 2>/dev/null && continue
    ip netns del "$ns" 2>/dev/null && log "removed $ns left over by an earlier run"
done

# ---------------------------------------------------------------- the network
log "network: switch $SW (bridge br0); collector $NET.1; agents $NET.11-13 (namespaces $ID-*)"
ip netns add $SW; NAMESPACES="$SW"
ip -n $SW link set lo up
ip -n $SW link add br0 type bridge
ip -n $SW link set br0 up
n=0
for node in $NODES; do
    ns=$ID-$node
    ip netns add $ns; NAMESPACES="$NAMESPACES $ns"
    ip -n $ns link set lo up
    # eth0 in the node, its peer p-NODE is the node's port on the switch.
    ip -n $ns link add eth0 type veth peer name p-$node netns $SW
    ip -n $SW link set p-$node master br0
    ip -n $SW link set p-$node up
    if [ $node = c ]; then addr=$NET.1; else n=$((n + 1)); addr=$NET.1$n; fi
    ip -n $ns addr add $addr/24 dev eth0
    ip -n $ns link set eth0 up
done

# ---------------------------------------------------------------- helpers
now() { date +%s.%N; }
in_ns() { local ns=$1; shift; ip netns exec "$ID-$ns" "$@"; }
api() { in_ns c curl -fsS -m 3 "$COLLECTOR_URL$1"; }
status_of() { api "/api/v1/devices/$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null || echo "?"; }
events_of() { api "/api/v1/devices/$1/events?limit=1000"; }
# wait_for SECONDS command...: polls every 0.2 s; fails after SECONDS.
wait_for() {
    local until
    until=$(python3 -c "import time; print(time.time() + $1)"); shift
    while ! "$@"; do
        python3 -c "import sys, time; sys.exit(time.time() < $until)" && return 1
        sleep 0.2
    done
}
has_kind() {
    events_of "$1" 2>/dev/null | python3 -c 'import json, sys; sys.exit(not any(e["kind"] == sys.argv[1] for e in json.load(sys.stdin)["events"]))' "$2"
}
is_status() { [ "$(status_of "$1")" = "$2" ]; }
since() { python3 -c "print(f'{$(now) - $1:.1f}')"; }
# check_events DEVICE DESCRIPTION PYTHON: runs PYTHON with `events` (the device's log), `t()`
# (ISO 8601 -> epoch seconds) and the lab's times as variables; it asserts or raises.
check_events() {
    local dev=$1 desc=$2 code=$3 before=${4:-/dev/null} out
    events_of "$dev" > "$TMP/events-$dev.json" || die "$desc: cannot read $dev's events"
    if out=$(LAB_DEADLINE=$DEADLINE LAB_VARS="$(declare -p | grep -E '^declare -- T_[A-Z0-9_]+=' | sed 's/^declare -- //')" \
        python3 - "$TMP/events-$dev.json" "$code" "$before" 2>&1 <<'EOF'
import json, os, sys
from datetime import datetime
from datetime import timezone
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def iso(x): return datetime.fromtimestamp(x, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
env = {}
for line in os.environ["LAB_VARS"].splitlines():
    k, _, v = line.partition("=")
    env[k] = float(v.strip('"'))
events = json.load(open(sys.argv[1]))["events"]
of = lambda kind: [e for e in events if e["kind"] == kind]
before = set()
if sys.argv[3] != "/dev/null":
    before = {e["id"] for e in json.load(open(sys.argv[3]))["events"]}
ns = dict(env, before=before, events=events, t=t, of=of, iso=iso, DEADLINE=int(os.environ["LAB_DEADLINE"]))
exec(sys.argv[2], ns)
print(ns.get("detail", ""))
EOF
    ); then
        pass "$desc${out:+ ($out)}"
    else
        echo "FAIL: $desc"
        echo "$out" | tail -n 5
        echo "$dev's log:"
        python3 -c 'import json,sys; [print("  ", json.dumps(e)) for e in json.load(open(sys.argv[1]))["events"]]' "$TMP/events-$dev.json"
        exit 1
    fi
}

start_collector() {
    ip netns exec $ID-c env DOWNTIME_GRACE=$GRACE DOWNTIME_MISSES=$MISSES DOWNTIME_NOTIFY= \
        "$BIN/downtime-collector" serve --host $NET.1 --port $PORT --data-dir "$TMP/collector" \
        >> "$TMP/collector.log" 2>&1 &
    CPID=$!; PIDS+=($CPID)
    wait_for 20 api /healthz >/dev/null || die "the collector did not answer /healthz within 20 s (see collector.log)"
}
start_agent() {
    local a=$1
    ip netns exec $ID-$a "$BIN/downtime-agent" --collector "$COLLECTOR_URL" --device lab-$a \
        --token "${TOKEN[$a]}" --state-dir "$TMP/$a/state" --interval $INTERVAL --persist-interval 1 \
        --boot-id-file "$TMP/$a/boot_id" --uptime-file "$TMP/$a/uptime" --time-sync-file "$TMP/synced" \
        >> "$TMP/$a.log" 2>&1 &
    APID[$a]=$!; PIDS+=(${APID[$a]})
}

# ---------------------------------------------------------------- 1. all up
mkdir -p "$TMP/collector"
touch "$TMP/synced"     # every lab device has a synced clock
for a in a1 a2 a3; do
    TOKEN[$a]=$("$BIN/downtime-collector" device add lab-$a --data-dir "$TMP/collector" | tail -n 1)
    mkdir -p "$TMP/$a/state"
    cat /proc/sys/kernel/random/uuid > "$TMP/$a/boot_id"
    echo "1000.00 900.00" > "$TMP/$a/uptime"     # up 1000 s when the lab starts
done
start_collector
log "collector running in $ID-c (interval $INTERVAL s, misses $MISSES, grace $GRACE s: down ${DEADLINE} s after the last beat)"
for a in a1 a2 a3; do
    in_ns $a curl -fsS -m 3 "$COLLECTOR_URL/healthz" >/dev/null || die "$ID-$a cannot reach the collector through the switch"
done
pass "the three agent namespaces reach the collector at $NET.1 through the bridge"
T_START=$(now)
for a in a1 a2 a3; do start_agent $a; done
for a in a1 a2 a3; do
    wait_for 20 is_status lab-$a up || die "lab-$a is $(status_of lab-$a), not up, 20 s after its agent started"
done
pass "all up: lab-a1, lab-a2, lab-a3 are up $(since "$T_START") s after their agents started"
sleep 2

# ---------------------------------------------------------------- 2. cut lab-a1's link
CUT=${LAB_CUT_SECONDS:-10}
log "cutting lab-a1's link (ip link set p-a1 down on the switch) for $CUT s"
T_CUT=$(now)
ip -n $SW link set p-a1 down
wait_for $((DEADLINE + 3)) is_status lab-a1 down ||
    die "lab-a1 is $(status_of lab-a1), not down, $((DEADLINE + 3)) s after its link was cut (deadline $DEADLINE s after the last beat)"
T_DOWN=$(now)
pass "lab-a1 turned down $(since "$T_CUT") s after its link was cut (deadline: $DEADLINE s after its last beat; the collector checks once a second)"
for a in a2 a3; do is_status lab-$a up || die "lab-$a is $(status_of lab-$a) while only lab-a1's link is cut"; done
pass "lab-a2 and lab-a3 stay up while lab-a1 is cut off"
sleep "$(python3 -c "print(max(0, $CUT - ($(now) - $T_CUT)))")"
ip -n $SW link set p-a1 up
T_LINK_UP=$(now)
log "lab-a1's link is back"
wait_for 30 is_status lab-a1 up || die "lab-a1 is $(status_of lab-a1), not up, 30 s after its link came back"
pass "lab-a1 is up again $(since "$T_LINK_UP") s after its link came back"
wait_for 15 has_kind lab-a1 collector_unreachable ||
    die "no collector_unreachable event from lab-a1 within 15 s of it coming back"
check_events lab-a1 "lab-a1's log has a collector_unreachable interval covering the cut, and no outage" '
u = of("collector_unreachable")
assert len(u) == 1, f"{len(u)} collector_unreachable events"
s, e = t(u[0]["start"]), t(u[0]["end"])
assert T_CUT - 3 <= s <= T_CUT + 3, ("unreachable interval does not start at the cut", u, T_CUT)
assert T_LINK_UP - 1 <= e <= T_LINK_UP + 30, ("unreachable interval does not end when the link is back", u, T_LINK_UP)
assert not of("outage"), ("outage events", of("outage"))
flips = [(f["from"], f["to"]) for f in of("flip")]
assert ("up", "down") in flips or ("late", "down") in flips, flips
assert flips[-1][1] == "up", flips
# A down flip is dated at the last beat. The collector sweeps once a second, so it must flip
# between DEADLINE and DEADLINE + 1 s after that beat (its reason says how long it was silent);
# the lab, polling every 0.2 s through curl, must have seen it by DEADLINE + 2.5 s.
down = [f for f in of("flip") if f["to"] == "down"][0]
import re
silent = int(re.search(r"no heartbeat for (\d+) s", down["reason"]).group(1))
assert DEADLINE <= silent <= DEADLINE + 1, ("not flipped within its deadline", down)
late_by = T_DOWN - t(down["at"])
assert DEADLINE - 0.5 <= late_by <= DEADLINE + 2.5, ("down not seen within its deadline after the last beat", down, T_DOWN)
u = u[0]
detail = "last beat %s, flipped down %d s later (deadline %d s + 1 s sweep), seen by the lab after %.1f s; unreachable %s .. %s, %.1f s; flips %s" % (down["at"], silent, DEADLINE, late_by, u["start"], u["end"], e - s, flips)
'

# ---------------------------------------------------------------- 3. kill -9 and reboot lab-a2
OFF=${LAB_OFF_SECONDS:-8}
BOOTED=2
log "power cut on lab-a2: kill -9 of its agent, $OFF s off, then a new boot (new boot id, uptime $BOOTED s)"
T_KILL=$(now)
kill -KILL "${APID[a2]}"
wait "${APID[a2]}" 2>/dev/null || true
wait_for $((DEADLINE + 3)) is_status lab-a2 down || die "lab-a2 is $(status_of lab-a2), not down, after its power cut"
pass "lab-a2 turned down $(since "$T_KILL") s after its power cut"
sleep "$(python3 -c "print(max(0, $OFF - $BOOTED - ($(now) - $T_KILL)))")"
T_BOOT=$(now)      # the simulated boot
cat /proc/sys/kernel/random/uuid > "$TMP/a2/boot_id"
echo "0.00 0.00" > "$TMP/a2/uptime"
sleep $BOOTED      # the agent starts $BOOTED s into the new boot
start_agent a2
wait_for 20 is_status lab-a2 up || die "lab-a2 is $(status_of lab-a2), not up, 20 s after its reboot"
pass "lab-a2 is up again after its reboot"
wait_for 15 has_kind lab-a2 outage ||
    die "no outage event from lab-a2 within 15 s of its reboot"
check_events lab-a2 "lab-a2's log has one outage, cause power_loss, from its last alive time to its boot" '
o = of("outage")
assert len(o) == 1, f"{len(o)} outage events: {o}"
o = o[0]
assert o["cause"] == "power_loss", o
s, e = t(o["start"]), t(o["end"])
# last_alive is written on a 1 s tick every persist interval (1 s): up to about 2 s old.
assert T_KILL - 3 <= s <= T_KILL + 0.5, ("outage start is not the kill time", o, T_KILL)
assert abs(e - T_BOOT) <= 1.5, ("outage end is not the boot time", o, T_BOOT)
assert abs(o["duration_s"] - (e - s)) <= 1, o
assert not of("collector_unreachable"), ("collector_unreachable", of("collector_unreachable"))
detail = "%s .. %s, %s s; killed at %s, booted at %s" % (o["start"], o["end"], o["duration_s"], iso(T_KILL), iso(T_BOOT))
'
for a in a1 a3; do
    check_events lab-$a "lab-$a has no outage from lab-a2's power cut" 'assert not of("outage"), of("outage")'
done

# ---------------------------------------------------------------- 4. the collector away
log "stopping the collector (SIGTERM) for $AWAY s (LAB_COLLECTOR_AWAY); the agents keep running"
for a in a1 a2 a3; do events_of lab-$a > "$TMP/before-stop-lab-$a.json"; done
T_STOP=$(now)
kill -TERM "$CPID"
wait "$CPID" 2>/dev/null || true
T_STOPPED=$(now)
sleep "$AWAY"
T_RESTART=$(now)
start_collector
log "collector restarted after $(python3 -c "print(f'{$T_RESTART - $T_STOPPED:.0f}')") s"
for a in a1 a2 a3; do
    wait_for 20 is_status lab-$a up || die "lab-$a is $(status_of lab-$a), not up, 20 s after the collector came back"
done
pass "all three are up $(since "$T_RESTART") s after the collector came back"
# Longer than the down deadline: a wrong "down" after the restart would show by now.
sleep $((DEADLINE + 3))
for a in a1 a2 a3; do
    is_status lab-$a up || die "lab-$a is $(status_of lab-$a) $((DEADLINE + 3)) s after the collector's restart"
done
pass "all three are still up $((DEADLINE + 3)) s later"
for a in a1 a2 a3; do
    wait_for 15 has_kind lab-$a collector_down ||
        die "no collector_down record in lab-$a's log"
    check_events lab-$a "lab-$a: no false outage or down flip for the collector's absence; collector_down (unknown) recorded" '
away = [e for e in of("collector_down")]
assert len(away) == 1, away
s, e = t(away[0]["start"]), t(away[0]["end"])
assert T_STOP - 15 <= s <= T_STOPPED + 1, ("collector_down does not start at the stop", away, T_STOP)
assert T_RESTART - 1 <= e <= T_RESTART + 5, ("collector_down does not end at the restart", away, T_RESTART)
new = [x for x in events if x["id"] not in before]
assert not [x for x in new if x["kind"] == "outage"], ("outage since the collector stop", new)
assert not [x for x in new if x["kind"] == "flip" and x["to"] == "down"], ("down flip since the collector stop", new)
detail = "collector_down %s .. %s, %.0f s; %d new log entries: %s" % (away[0]["start"], away[0]["end"], e - s, len(new), ", ".join(sorted(set(x["kind"] for x in new))))
' "$TMP/before-stop-lab-$a.json"
done
check_events lab-a3 "lab-a3, never disturbed but for the collector, has no outage at all" 'assert not of("outage"); assert not [f for f in of("flip") if f["to"] == "down"]'

log "scenario complete in $(( $(date +%s) - START )) s"
SUMMARY="$P passed, 0 failed"
