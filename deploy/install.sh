#!/usr/bin/env bash
# Installs (or upgrades) the DowntimeMon agent or collector as a systemd service.
# Run it again to upgrade: the binary and the unit are replaced, the configuration, the state
# (database, agent state and outbox) and the logs are never touched.
set -eu

PROG=install.sh
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
. "$HERE/common.sh"

usage() {
    cat <<EOF
usage: deploy/install.sh [options] agent|collector

Installs downtime-agent or downtime-collector: the binary to PREFIX/bin, the systemd unit to
/etc/systemd/system, an example configuration to /etc/downtime (an existing one is kept), the
service user and state folder; then enables and starts the service. Run it again to upgrade.

options:
  --binary PATH   install this binary instead of building one
                  (default: swift build -c release --static-swift-stdlib --product downtime-NAME)
  --prefix DIR    installation prefix (default /usr/local)
  --root DIR      install the files under DIR (packaging, tests): no user is created and
                  systemctl is not run
  --dry-run       print every action and change nothing
  -h, --help      this help
EOF
}

BINARY=
while [ $# -gt 0 ]; do
    case $1 in
        --binary) [ $# -ge 2 ] || usage_error "--binary needs a path"; BINARY=$2; shift 2 ;;
        --binary=*) BINARY=${1#*=}; shift ;;
        *) common_arg "$@"; shift "$SHIFT" ;;
    esac
done
check_component
check_prefix_root
case $PREFIX in *[[:space:]#]*) usage_error "--prefix must not contain spaces or '#'" ;; esac
if [ -n "$BINARY" ]; then
    [ -f "$BINARY" ] || usage_error "--binary $BINARY: no such file"
    [ -x "$BINARY" ] || usage_error "--binary $BINARY: not executable"
fi
check_root_user
set_paths

[ "$DRY_RUN" = 1 ] && say "dry run: printing every action, changing nothing"
[ -n "$ROOT" ] && say "--root $ROOT: installing files only; no service user is created and systemctl is not run"

UNIT_SRC=$REPO/$COMPONENT/$name.service
CONF_SRC=$REPO/$COMPONENT/$COMPONENT.env.example
[ -f "$UNIT_SRC" ] || die "missing $UNIT_SRC (run this script from a DowntimeMon checkout)"
[ -f "$CONF_SRC" ] || die "missing $CONF_SRC (run this script from a DowntimeMon checkout)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 1. The binary: given, or built here in release mode with the Swift runtime linked in, so
#    it needs no Swift toolchain on the machine it runs on (only libcurl, and SQLite and libmosquitto for the
#    collector).
if [ -z "$BINARY" ]; then
    command -v swift >/dev/null || die "no swift here to build $name: build it elsewhere and pass --binary PATH"
    act swift build --package-path "$REPO" -c release --static-swift-stdlib --product "$name"
    BINARY=$(swift build --package-path "$REPO" -c release --show-bin-path)/$name
    [ "$DRY_RUN" = 1 ] || [ -x "$BINARY" ] || die "the build did not produce $BINARY"
fi
if [ -f "$BINARY" ] && command -v ldd >/dev/null; then
    missing=$(ldd "$BINARY" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ')
    [ -z "$missing" ] || say "warning: $BINARY needs libraries missing here: $missing(see README: Install on a Raspberry Pi)"
fi

BIN_CHANGED=0
act install -d -m 0755 "$BIN_DIR"
if [ -f "$BIN" ] && cmp -s "$BINARY" "$BIN"; then
    say "$BIN is already this binary"
else
    [ -f "$BIN" ] && say "upgrading $BIN"
    act install -m 0755 "$BINARY" "$BIN"
    BIN_CHANGED=1
fi

# 2. The unit, pointing at PREFIX/bin. Ours: replaced on upgrade (local changes belong in a
#    drop-in: systemctl edit $name).
sed "s#/usr/local/#$PREFIX/#g" "$UNIT_SRC" > "$TMP/$name.service"
UNIT_CHANGED=0
act install -d -m 0755 "$UNIT_DIR"
if [ -f "$UNIT" ] && cmp -s "$TMP/$name.service" "$UNIT"; then
    say "$UNIT is up to date"
else
    act install -m 0644 "$TMP/$name.service" "$UNIT"
    UNIT_CHANGED=1
fi

# 3. Documentation (the units' Documentation= points here).
act install -d -m 0755 "$DOC_DIR/$COMPONENT"
act install -m 0644 "$REPO/README.md" "$DOC_DIR/README.md"
act install -m 0644 "$REPO/$COMPONENT/README.md" "$DOC_DIR/$COMPONENT/README.md"
if [ "$COMPONENT" = agent ]; then
    act install -m 0755 "$REPO/agent/downtime-report.sh" "$DOC_DIR/agent/downtime-report.sh"
fi

# 4. The service user (collector only: the agent runs with DynamicUser=).
OWNER=()
if [ "$COMPONENT" = collector ]; then
    if [ -n "$ROOT" ]; then
        :
    elif getent passwd downtime >/dev/null 2>&1; then
        say "service user 'downtime' exists"
        OWNER=(-o downtime -g downtime)
    else
        act useradd --system --user-group --home-dir /var/lib/downtime-collector --no-create-home \
            --shell /usr/sbin/nologin --comment "DowntimeMon collector" downtime
        OWNER=(-o downtime -g downtime)
    fi
fi

# 5. The configuration: an existing one is never overwritten. The current example sits beside
#    it, so new settings can be seen after an upgrade (diff the two).
act install -d -m 0755 "$CONF_DIR"
act install -m 0644 "$CONF_SRC" "$CONF.example"
CONF_NEW=0
if [ -e "$CONF" ]; then
    say "keeping the existing configuration $CONF"
    mode=$(stat -c %a "$CONF")
    if [ "$COMPONENT" = agent ] && [ "$mode" != 600 ] && [ "$mode" != 400 ]; then
        say "warning: $CONF is mode $mode but holds the token: chmod 600 $CONF"
    fi
else
    CONF_NEW=1
    if [ "$COMPONENT" = agent ]; then
        # Holds the device's token: root only (systemd reads it before dropping privileges).
        act install -m 0600 "$CONF_SRC" "$CONF"
    elif [ ${#OWNER[@]} -gt 0 ]; then
        # Readable by the service user's group for `sudo -u downtime downtime-collector device add`.
        act install -m 0640 -o root -g downtime "$CONF_SRC" "$CONF"
    else
        act install -m 0640 "$CONF_SRC" "$CONF"
    fi
fi

# 6. The state folder (never emptied or replaced).
if [ "$COMPONENT" = collector ]; then
    if [ -d "$STATE" ]; then
        say "keeping the state folder $STATE"
    else
        act install -d -m 0750 ${OWNER[@]+"${OWNER[@]}"} "$STATE"
    fi
    # SQLite's locking does not work on network file systems.
    data=$(sed -n 's/^DOWNTIME_DATA_DIR=//p' "$CONF" 2>/dev/null | tail -n 1)
    probe=${data:+$ROOT$data}
    probe=${probe:-$STATE}
    while [ ! -e "$probe" ] && [ "$probe" != / ]; do probe=$(dirname "$probe"); done
    case $(stat -f -c %T "$probe" 2>/dev/null) in
        nfs*|cifs|smb*|fuse.sshfs)
            say "warning: the data folder ${data:-$STATE} is on a network file system: SQLite's locking breaks there; use a local disk" ;;
    esac
else
    if [ -d "$STATE" ] || [ -d "$STATE_PRIVATE" ]; then
        say "keeping the agent's state in $STATE"
    else
        say "the agent's state folder $STATE is created by systemd on first start (StateDirectory=, DynamicUser=)"
    fi
fi

# 7. systemd.
agent_unconfigured() {
    [ "$COMPONENT" = agent ] || return 1
    [ -r "$CONF" ] || return 0
    ! grep -Eq '^DOWNTIME_(TOKEN|ENROLLMENT_KEY)=[^[:space:]]' "$CONF" ||
        grep -Eq '^DOWNTIME_COLLECTOR_URL=http://collector\.lan:8899' "$CONF"
}
STARTED=0
if [ -n "$ROOT" ]; then
    say "--root: systemctl not run; on the target system: systemctl daemon-reload && systemctl enable --now $name"
elif ! systemd_running && [ "$DRY_RUN" = 0 ]; then
    say "warning: systemd is not running here (container or chroot?): the unit is installed but not enabled or started"
else
    was_active=$(systemctl is-active "$name" 2>/dev/null || true)
    act systemctl daemon-reload
    if agent_unconfigured; then
        act systemctl enable "$name"
        say "not started yet: $CONF needs DOWNTIME_COLLECTOR_URL and DOWNTIME_TOKEN first (see below)"
    elif [ "$was_active" = active ] && { [ $BIN_CHANGED = 1 ] || [ $UNIT_CHANGED = 1 ]; }; then
        act systemctl enable "$name"
        act systemctl restart "$name"
        STARTED=1
    else
        act systemctl enable --now "$name"
        STARTED=1
    fi
    if [ "$DRY_RUN" = 0 ] && [ $STARTED = 1 ]; then
        sleep 2
        systemctl --no-pager --lines=5 status "$name" || true
    fi
fi

# 8. Where everything is, and what to do next.
echo
echo "downtime-$COMPONENT:"
echo "  binary   $BIN"
echo "  unit     $UNIT"
echo "  config   $CONF$([ $CONF_NEW = 1 ] && echo " (new, from the example)" || echo " (kept)")"
echo "  state    $STATE$([ "$COMPONENT" = agent ] && echo " (-> /var/lib/private/$name, made by systemd)")"
echo "  log      journalctl -u $name -f"
echo
echo "Next steps:"
if [ "$COMPONENT" = collector ]; then
    # HTTP or HTTPS: the choice is the user's, said plainly either way.
    tls_cert=$(sed -n 's/^DOWNTIME_TLS_CERT=//p' "$CONF" 2>/dev/null | tail -n 1)
    if [ -n "$tls_cert" ]; then
        echo "  - HTTPS: the collector serves $tls_cert (agents need https:// URLs and the CA file or the pin)."
    else
        cat <<EOF
  - TLS is off: the collector serves plain HTTP, so device tokens, the enrolment key and the page
    password cross the network in clear. Fine on a LAN you trust; otherwise make a certificate:
      sudo -u downtime $PREFIX/bin/downtime-collector tls init --host $(hostname 2>/dev/null || echo THIS-HOST) --ip ADDRESS --config /etc/downtime/collector.env
    then uncomment DOWNTIME_TLS_CERT and DOWNTIME_TLS_KEY in /etc/downtime/collector.env and restart
    (README, "TLS": configuring agents, renewing).
EOF
    fi
    cat <<EOF
  - Add a device (prints its token once; as the service user, so the database stays its own):
      sudo -u downtime $PREFIX/bin/downtime-collector device add NAME --config /etc/downtime/collector.env
  - Put that token on the device (install.sh agent there, then DOWNTIME_TOKEN in /etc/downtime/agent.env).
  - Open http://$(hostname 2>/dev/null || echo THIS-HOST):8899/ (port and more in /etc/downtime/collector.env;
    after a change: sudo systemctl restart $name).
EOF
else
    cat <<EOF
  - On the collector: downtime-collector device add $(hostname 2>/dev/null | tr '[:upper:]' '[:lower:]' || echo NAME) ... prints the device's token once.
  - Here, in /etc/downtime/agent.env (mode 0600): DOWNTIME_COLLECTOR_URL=http://NAS:8899 and
    DOWNTIME_TOKEN=<the token> (DOWNTIME_DEVICE=NAME if it is not this host's name).
  - sudo systemctl restart $name && journalctl -u $name -f
EOF
fi
