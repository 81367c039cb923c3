// Generated from agent/downtime-report.sh by `make reporter-embed`; AdminPagesTests checks it is the same.

/// The shell reporter, served at `GET /install/downtime-report.sh` for a device to fetch from its collector.
enum ReporterScript {
    static let text = #"""
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
        #   DOWNTIME_CA_FILE        PEM file of CAs to trust for https (curl --cacert), default the system store
        #   DOWNTIME_PIN_SHA256     sha256//BASE64 of the collector's public key (curl --pinnedpubkey); alone, it is
        #                           the whole check (no CA needed), as `downtime-collector tls init` prints it
        #   DOWNTIME_BOOT_ID_FILE / DOWNTIME_UPTIME_FILE  (tests) default /proc/sys/kernel/random/boot_id, /proc/uptime
        #   DOWNTIME_SYSFS_ROOT     (tests) stands for / when reading the power flags and temperature, default /
        #   DOWNTIME_INSTALL_ROOT   (tests) --install writes under this folder and runs no systemctl
        # Usage: downtime-report.sh [--once | --install]
        #   --once: gap check, flush, one heartbeat, exit; for cron
        #   --install (root): copies itself to /usr/local/bin, the settings above to /etc/downtime/report.env (0600)
        #     and starts downtime-report.service (systemd), which runs it from there
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
        CA_FILE=${DOWNTIME_CA_FILE:-}
        SYSFS_ROOT=${DOWNTIME_SYSFS_ROOT:-}
        SYSFS_ROOT=${SYSFS_ROOT%/}
        PIN=${DOWNTIME_PIN_SHA256:-}
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
        if [ -n "$PIN" ]; then
            case $URL in https://*) ;; *) fail "DOWNTIME_PIN_SHA256 needs an https:// DOWNTIME_COLLECTOR_URL";; esac
        fi
        [ -z "$CA_FILE" ] || [ -r "$CA_FILE" ] || fail "DOWNTIME_CA_FILE $CA_FILE is not readable"
        case $PIN in ''|sha256//*) ;; *) fail "DOWNTIME_PIN_SHA256 must look like sha256//BASE64";; esac
        if [ "${1:-}" = "--install" ]; then
            ROOT=${DOWNTIME_INSTALL_ROOT:-}
            ROOT=${ROOT%/}
            [ -n "$ROOT" ] || [ "$(id -u)" = 0 ] || fail "--install needs root (run it with sudo)"
            mkdir -p "$ROOT/usr/local/bin" "$ROOT/etc/downtime" "$ROOT/etc/systemd/system" \
                || fail "cannot create folders under $ROOT/"
            cp "$0" "$ROOT/usr/local/bin/downtime-report.sh.new" && chmod 755 "$ROOT/usr/local/bin/downtime-report.sh.new" \
                && mv -f "$ROOT/usr/local/bin/downtime-report.sh.new" "$ROOT/usr/local/bin/downtime-report.sh" \
                || fail "cannot copy $0 to $ROOT/usr/local/bin"
            # The token is a secret: the file is made unreadable to others before it is written.
            ( umask 077
              { echo "DOWNTIME_COLLECTOR_URL=$URL"; echo "DOWNTIME_TOKEN=$TOKEN"; echo "DOWNTIME_DEVICE=$DEVICE"
                echo "DOWNTIME_INTERVAL=$INTERVAL"
                [ -z "$CA_FILE" ] || echo "DOWNTIME_CA_FILE=$CA_FILE"
                [ -z "$PIN" ] || echo "DOWNTIME_PIN_SHA256=$PIN"; } > "$ROOT/etc/downtime/report.env"
            ) || fail "cannot write $ROOT/etc/downtime/report.env"
            cat > "$ROOT/etc/systemd/system/downtime-report.service" <<'UNIT' || fail "cannot write the systemd unit"
        [Unit]
        Description=DowntimeMon shell reporter (heartbeats and outage reports to the collector)
        After=network-online.target time-sync.target
        Wants=network-online.target

        [Service]
        Type=simple
        EnvironmentFile=/etc/downtime/report.env
        Environment=DOWNTIME_STATE_DIR=/var/lib/downtime-report
        ExecStart=/bin/sh /usr/local/bin/downtime-report.sh
        Restart=always
        RestartSec=2
        # Exit code 2 is a bad configuration: restarting cannot fix it.
        RestartPreventExitStatus=2
        TimeoutStopSec=20
        # No root needed: a throw-away user (systemd reads the 0600 settings file before dropping privileges).
        DynamicUser=yes
        NoNewPrivileges=yes
        StateDirectory=downtime-report
        StateDirectoryMode=0700

        [Install]
        WantedBy=multi-user.target
        UNIT
            if [ -z "$ROOT" ]; then
                systemctl daemon-reload && systemctl enable --now downtime-report.service \
                    || fail "systemctl could not start downtime-report.service"
            fi
            log "installed $ROOT/usr/local/bin/downtime-report.sh, $ROOT/etc/downtime/report.env and downtime-report.service"
            exit 0
        fi
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

        tls_reason() {  # curl exit code -> a sentence, or nothing
            case $1 in
                90) echo "the collector's public key does not match DOWNTIME_PIN_SHA256" ;;
                77) echo "DOWNTIME_CA_FILE cannot be read or holds no PEM certificate" ;;
                60) case $(tr 'A-Z' 'a-z' < "$STATE_DIR/curl.err") in
                        *expired*) echo "the collector's certificate has expired" ;;
                        *"not yet valid"*) echo "the collector's certificate is not valid yet (is this device's clock right?)" ;;
                        *"host name"*|*"subject name"*) echo "the collector's certificate does not name the host of the collector URL" ;;
                        *) echo "the collector's certificate is not signed by a CA this device trusts (wrong DOWNTIME_CA_FILE?)" ;;
                    esac ;;
                35) echo "the TLS handshake failed (does the collector serve HTTPS on that port?)" ;;
            esac
        }

        # Prints the HTTP status (000: no answer). A TLS refusal is logged once per reason (kept in a file:
        # post runs in a subshell). An https URL is only ever https (--proto), never retried over plain HTTP.
        post() {  # path body
            p_path=$1 p_body=$2
            set --
            case $URL in https://*) set -- --proto =https ;; esac
            [ -z "$CA_FILE" ] || set -- "$@" --cacert "$CA_FILE"
            # A pin alone names the exact key: no CA or name check beside it (-k); the pin is still enforced.
            [ -z "$PIN" ] || { [ -n "$CA_FILE" ] || set -- "$@" -k; set -- "$@" --pinnedpubkey "$PIN"; }
            p_last=$(cat "$STATE_DIR/tls_reason" 2>/dev/null)
            p_code=$(curl -sS -o /dev/null -w '%{http_code}' -m 10 "$@" -X POST -H "Authorization: Bearer $TOKEN" \
                -H 'Content-Type: application/json' --data-binary "$p_body" "$URL$p_path" 2>"$STATE_DIR/curl.err")
            p_rc=$?
            if [ $p_rc -eq 0 ]; then
                [ -z "$p_last" ] || { log "TLS to the collector works again"; rm -f "$STATE_DIR/tls_reason"; }
                echo "$p_code"
                return
            fi
            p_reason=$(tls_reason $p_rc)
            if [ -n "$p_reason" ] && [ "$p_reason" != "$p_last" ]; then
                log "TLS refused the collector: $p_reason; events wait in the outbox ($(head -c 300 "$STATE_DIR/curl.err"))"
                echo "$p_reason" > "$STATE_DIR/tls_reason"
            fi
            echo 000
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

        # The heartbeat's "health" members, read with cat where the files exist (missing: left out, never false).
        # Bits of the Raspberry Pi firmware's get_throttled word: 0 under-voltage, 1 frequency capped, 2 throttled,
        # 16/17/18 the same "has occurred"; `seen` keeps them for this run, as the hwmon driver clears the firmware's.
        seen=0
        HEALTH=
        read_health() {
            HEALTH=
            w=$(cat "$SYSFS_ROOT/sys/devices/platform/soc/soc:firmware/get_throttled" 2>/dev/null | tr -d ' \n')
            w=${w#0x}
            case $w in ''|*[!0-9a-fA-F]*) w= ;; esac
            [ ${#w} -le 8 ] || w=
            alarm=
            for n in "$SYSFS_ROOT"/sys/class/hwmon/hwmon*/name; do
                [ "$(cat "$n" 2>/dev/null)" = rpi_volt ] || continue
                alarm=$(cat "${n%/name}/in0_lcrit_alarm" 2>/dev/null)
                case $alarm in 0|1) ;; *) alarm= ;; esac
                break
            done
            tf() { [ "$1" -ne 0 ] && echo true || echo false; }
            if [ -n "$w" ]; then
                v=$((0x$w))
                seen=$((seen | (v & 0xF0000) | ((v & 0xF) << 16)))
            fi
            [ "$alarm" = 1 ] && seen=$((seen | 0x10000))
            if [ -n "$w" ] || [ -n "$alarm" ]; then
                uv=${alarm:-0}
                [ -z "$w" ] || uv=$((uv | (v & 1)))
                HEALTH="$HEALTH,\"under_voltage_now\":$(tf $uv)"
                HEALTH="$HEALTH,\"under_voltage_since_boot\":$(tf $((seen & 0x10000)))"
            fi
            if [ -n "$w" ]; then
                HEALTH="$HEALTH,\"throttled_now\":$(tf $((v & 4))),\"throttled_since_boot\":$(tf $((seen & 0x40000)))"
                HEALTH="$HEALTH,\"freq_capped_since_boot\":$(tf $((seen & 0x20000)))"
            fi
            t=$(cat "$SYSFS_ROOT/sys/class/thermal/thermal_zone0/temp" 2>/dev/null |
                awk '$1 ~ /^-?[0-9]+$/ && $1 >= -60000 && $1 <= 200000 { printf "%.1f", $1 / 1000 }')
            [ -z "$t" ] || HEALTH="$HEALTH,\"temp_c\":$t"
            [ -z "$HEALTH" ] || HEALTH=",\"health\":{${HEALTH#,}}"
        }

        seq=0
        no_health=
        beat() {
            seq=$((seq + 1))
            [ -n "$no_health" ] && HEALTH= || read_health
            b='{"device":"'"$DEVICE"'","seq":'$seq',"boot_id":"'"$(boot_id)"'","uptime_s":'"$(uptime_s)"',"sent_at":"'"$(iso "$(now)")"'","clock_synced":'"$(synced)"',"interval_s":'"$INTERVAL"',"agent_version":"'$VERSION'"'
            code=$(post /api/v1/heartbeat "$b$HEALTH}")
            if [ "$code" = 400 ] && [ -n "$HEALTH" ]; then
                # An older collector that does not know "health": beats matter more.
                log "collector refuses the heartbeat's health field; sending beats without it"
                no_health=1
                post /api/v1/heartbeat "$b}" > /dev/null
            fi
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

        """#
}
