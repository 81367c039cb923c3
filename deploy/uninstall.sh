#!/usr/bin/env bash
# Removes the DowntimeMon agent or collector service. Keeps the configuration and the state
# (database, agent state, outbox) unless --purge is given; never touches the journal.
set -eu

PROG=uninstall.sh
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

usage() {
    cat <<EOF
usage: deploy/uninstall.sh [options] agent|collector

Stops and disables the service, removes its binary and unit. The configuration in
/etc/downtime and the state folder in /var/lib are kept unless --purge is given.

options:
  --purge         also delete the configuration, the state (the collector's database, the
                  agent's state and unsent events) and the collector's 'downtime' user
  --prefix DIR    installation prefix used at install time (default /usr/local)
  --root DIR      remove the files under DIR (as installed with install.sh --root DIR)
  --dry-run       print every action and change nothing
  -h, --help      this help
EOF
}

PURGE=0
while [ $# -gt 0 ]; do
    case $1 in
        --purge) PURGE=1; shift ;;
        *) common_arg "$@"; shift "$SHIFT" ;;
    esac
done
check_component
check_prefix_root
check_root_user
set_paths

[ "$DRY_RUN" = 1 ] && say "dry run: printing every action, changing nothing"
[ -n "$ROOT" ] && say "--root $ROOT: removing files only; systemctl and userdel are not run"

if [ -z "$ROOT" ]; then
    if systemd_running || [ "$DRY_RUN" = 1 ]; then
        if [ -f "$UNIT" ] || [ "$DRY_RUN" = 1 ]; then
            act systemctl disable --now "$name"
        fi
    else
        say "warning: systemd is not running here: nothing to stop"
    fi
fi

removed=0
for f in "$BIN" "$UNIT"; do
    if [ -e "$f" ]; then act rm -f "$f"; removed=1; fi
done
[ $removed = 1 ] || say "$name is not installed (no $BIN, no $UNIT)"
# Documentation: this component's part, and the shared part once neither binary is left.
if [ -d "$DOC_DIR/$COMPONENT" ]; then act rm -rf "$DOC_DIR/$COMPONENT"; fi
other=$([ "$COMPONENT" = agent ] && echo collector || echo agent)
if [ -d "$DOC_DIR" ] && [ ! -e "$BIN_DIR/downtime-$other" ]; then act rm -rf "$DOC_DIR"; fi
if [ -z "$ROOT" ] && { systemd_running || [ "$DRY_RUN" = 1 ]; }; then
    act systemctl daemon-reload
fi

if [ $PURGE = 1 ]; then
    for f in "$CONF" "$CONF.example"; do
        if [ -e "$f" ]; then act rm -f "$f"; fi
    done
    if [ -d "$CONF_DIR" ] && [ "$DRY_RUN" = 0 ] && [ -z "$(ls -A "$CONF_DIR")" ]; then act rmdir "$CONF_DIR"; fi
    for d in "$STATE" "$STATE_PRIVATE"; do
        if [ -e "$d" ] || [ -L "$d" ]; then act rm -rf "$d"; fi
    done
    if [ "$COMPONENT" = collector ] && [ -z "$ROOT" ] && getent passwd downtime >/dev/null 2>&1; then
        act userdel downtime
    fi
    say "purged: configuration $CONF and state $STATE deleted (the journal is kept: journalctl -u $name)"
else
    echo
    echo "$name removed. Kept (delete them yourself, or run again with --purge):"
    if [ -e "$CONF" ]; then echo "  config   $CONF"; fi
    if [ -e "$STATE" ] || [ -e "$STATE_PRIVATE" ]; then
        echo "  state    $STATE$([ -e "$STATE_PRIVATE" ] && echo " ($STATE_PRIVATE)")"
    fi
    echo "  log      journalctl -u $name"
fi
