#!/bin/sh
# downtime-report.sh: DowntimeMon's reporter for devices that cannot run downtime-agent.
# POSIX sh + curl. Same protocol as the agent: heartbeats, and on start the boot id + last-alive
# gap detection (power loss or crash / clean reboot / agent stopped). Events it cannot send wait as
# files in the outbox and are sent, once each (the collector keeps event ids), when it gets through.
#
# Configuration (environment, e.g. from an EnvironmentFile):
#   DOWNTIME_COLLECTOR_URL  http://nas:8899            (required)
#   DOWNTIME_TOKEN          the device's token         (required)
#   DOWNTIME_DEVICE         default: host name, lower-cased
#   DOWNTIME_STATE_DIR      default: /var/lib/downtime-report
#   DOWNTIME_INTERVAL       heartbeat seconds, default 10
#   DOWNTIME_PERSIST_INTERVAL  seconds between state writes, default 60
#   DOWNTIME_BOOT_ID_FILE / DOWNTIME_UPTIME_FILE  (tests) default /proc/sys/kernel/random/boot_id, /proc/uptime
# Usage: downtime-report.sh [--once]   (--once: gap check, flush, one heartbeat, exit; for cron)
set -u

VERSION="sh-0.1.0"
URL=${DOWNTIME_COLLECTOR_URL:-}
TOKEN=${DOWNTIME_TOKEN:-}
DEVICE=${DOWNTIME_DEVICE:-$(hostname | tr 'A-Z' 'a-z')}
STATE_DIR=${DOWNTIME_STATE_DIR:-/var/lib/downtime-report}
INTERVAL=${DOWNTIME_INTERVAL:-10}
PERSIST=${DOWNTIME_PERSIST_INTERVAL:-60}
BOOT_ID_FILE=${DOWNTIME_BOOT_ID_FILE:-/proc/sys/kernel/random/boot_id}
UPTIME_FILE=${DOWNTIME_UPTIME_FILE:-/proc/uptime}
# Slack for cron's own jitter when run with --once.
TOLERANCE=5

fail() { echo "downtime-report: $*" >&2; exit 2; }
log() { echo "downtime-report: $*" >&2; }

[ -n "$URL" ] || fail "DOWNTIME_COLLECTOR_URL is not set"
[ -n "$TOKEN" ] || fail "DOWNTIME_TOKEN is not set"
case $URL in http://*|https://*) ;; *) fail "DOWNTIME_COLLECTOR_URL must start with http:// or https://";; esac
echo "$DEVICE" | grep -Eq '^[a-z0-9][a-z0-9._-]{0,62}$' || fail "DOWNTIME_DEVICE '$DEVICE' must match [a-z0-9][a-z0-9._-]{0,62}"
case $INTERVAL in ''|*[!0-9]*) fail "DOWNTIME_INTERVAL must be whole seconds";; esac
case $PERSIST in ''|*[!0-9]*) fail "DOWNTIME_PERSIST_INTERVAL must be whole seconds";; esac
[ "$INTERVAL" -ge 1 ] || fail "DOWNTIME_INTERVAL must be at least 1"
command -v curl >/dev/null || fail "curl is missing"
mkdir -p "$STATE_DIR/outbox" || fail "cannot create $STATE_DIR"
STATE="$STATE_DIR/state"
URL=${URL%/}

now() { date -u +%s; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
uptime_s() { cut -d' ' -f1 "$UPTIME_FILE" | cut -d. -f1; }
boot_id() { tr -d '\n' < "$BOOT_ID_FILE"; }
uuid() { cat /proc/sys/kernel/random/uuid; }
synced() { [ -e /run/systemd/timesync/synchronized ] && echo true || echo false; }

# The state file: "boot_id last_alive last_alive_uptime clean". Written to a temp file, synced, renamed.
write_state() {
    printf '%s %s %s %s\n' "$(boot_id)" "$(now)" "$(uptime_s)" "$1" > "$STATE.tmp" || return 1
    sync "$STATE.tmp" 2>/dev/null || sync
    mv -f "$STATE.tmp" "$STATE" || return 1
    sync "$STATE_DIR" 2>/dev/null || true
}

post() {  # path body -> prints the HTTP status
    curl -s -o /dev/null -w '%{http_code}' -m 10 -X POST -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' --data-binary "$2" "$URL$1" 2>/dev/null || echo 000
}

# An event goes to the outbox first (its own file, written whole), and leaves only after a 2xx.
enqueue() {
    id=$(uuid)
    printf '{"id":"%s","device":"%s","at":"%s","boot_id":"%s",%s}' "$id" "$DEVICE" "$(iso "$(now)")" "$(boot_id)" "$1" \
        > "$STATE_DIR/outbox/.$id" && mv "$STATE_DIR/outbox/.$id" "$STATE_DIR/outbox/$(now)-$id.json"
}

flush() {
    for f in "$STATE_DIR"/outbox/*.json; do
        [ -e "$f" ] || return 0
        code=$(post /api/v1/events "{\"events\":[$(cat "$f")]}")
        case $code in
            2??) rm -f "$f" ;;
            400|413|422) log "collector refused $(basename "$f") ($code); dropped"; rm -f "$f" ;;
            *) return 1 ;;
        esac
    done
}

gap_check() {
    up=$(uptime_s); t=$(now); boot=$(boot_id)
    if [ ! -s "$STATE" ]; then
        [ -e "$STATE" ] && { log "state file empty: gap unknown"; enqueue '"kind":"outage","cause":"unknown","precision_s":0,"clock_synced":'"$(synced)"',"end":"'"$(iso $((t - up)))"'"'; }
        return
    fi
    set -- $(cat "$STATE")
    if [ $# -ne 4 ] || ! [ "$2" -eq "$2" ] 2>/dev/null || ! [ "$3" -eq "$3" ] 2>/dev/null; then
        log "state file unreadable: gap unknown"
        enqueue '"kind":"outage","cause":"unknown","precision_s":0,"clock_synced":'"$(synced)"',"end":"'"$(iso $((t - up)))"'"'
        return
    fi
    old_boot=$1; last=$2; last_up=$3; clean=$4
    if [ "$old_boot" = "$boot" ]; then
        gap=$((up - last_up))
        if [ "$clean" != clean ] && [ $gap -gt $((INTERVAL + TOLERANCE)) ]; then
            enqueue '"kind":"outage","cause":"agent_stopped","start":"'"$(iso "$last")"'","end":"'"$(iso "$t")"'","duration_s":'$gap',"precision_s":'"$PERSIST"',"clock_synced":'"$(synced)"
        fi
    else
        back=$((t - up)); [ $back -ge "$last" ] || back=$last
        cause=power_loss; [ "$clean" = clean ] && cause=clean_reboot
        enqueue '"kind":"outage","cause":"'$cause'","start":"'"$(iso "$last")"'","end":"'"$(iso $back)"'","duration_s":'$((back - last))',"precision_s":'"$PERSIST"',"clock_synced":'"$(synced)"
    fi
}

seq=0
beat() {
    seq=$((seq + 1))
    post /api/v1/heartbeat '{"device":"'"$DEVICE"'","seq":'$seq',"boot_id":"'"$(boot_id)"'","uptime_s":'"$(uptime_s)"',"sent_at":"'"$(iso "$(now)")"'","clock_synced":'"$(synced)"',"interval_s":'"$INTERVAL"',"agent_version":"'$VERSION'"}' > /dev/null
}

gap_check
# From cron (--once) every run would be a "start": only a real start is logged.
[ "${1:-}" = "--once" ] || enqueue '"kind":"agent_started","agent_version":"'$VERSION'"'
write_state running
flush
beat
[ "${1:-}" = "--once" ] && exit 0

shutdown() {
    write_state clean
    enqueue '"kind":"shutdown"'
    flush
    exit 0
}
trap shutdown TERM INT

last_persist=$(now)
while :; do
    sleep "$INTERVAL" &
    wait $!
    beat
    flush
    if [ $(( $(now) - last_persist )) -ge "$PERSIST" ]; then
        write_state running
        last_persist=$(now)
    fi
done
