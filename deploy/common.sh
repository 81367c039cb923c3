# Shared by deploy/install.sh and deploy/uninstall.sh (sourced, not run).
# Every change goes through `act`, so --dry-run prints exactly what a real run would do.

PREFIX=/usr/local
ROOT=
DRY_RUN=0
COMPONENT=

die() { echo "$PROG: error: $*" >&2; exit 1; }
usage_error() { echo "$PROG: $*" >&2; echo "Try '$PROG --help'." >&2; exit 2; }
say() { echo "$PROG: $*"; }

# Prints an action, then runs it unless this is a dry run.
act() {
    if [ "$DRY_RUN" = 1 ]; then
        echo "[dry-run] $*"
    else
        echo "+ $*"
        "$@"
    fi
}

# Derived paths; $ROOT is empty for a real install.
set_paths() {
    name=downtime-$COMPONENT
    BIN_DIR=$ROOT$PREFIX/bin
    BIN=$BIN_DIR/$name
    UNIT_DIR=$ROOT/etc/systemd/system
    UNIT=$UNIT_DIR/$name.service
    CONF_DIR=$ROOT/etc/downtime
    CONF=$CONF_DIR/$COMPONENT.env
    DOC_DIR=$ROOT$PREFIX/share/doc/downtime
    # The agent runs with DynamicUser=: systemd keeps its state in /var/lib/private/downtime-agent
    # and links /var/lib/downtime-agent to it.
    STATE=$ROOT/var/lib/$name
    STATE_PRIVATE=$ROOT/var/lib/private/$name
}

# systemd as PID 1 (not a container or chroot without it)?
systemd_running() { [ -z "$ROOT" ] && [ -d /run/systemd/system ]; }

check_root_user() {
    if [ -z "$ROOT" ] && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
        die "run as root (sudo $PROG ...), or use --root DIR to install into a folder, or --dry-run"
    fi
}

check_component() {
    case ${COMPONENT:-} in
        agent|collector) ;;
        "") usage_error "which one: agent or collector?" ;;
        *) usage_error "unknown component '$COMPONENT' (agent or collector)" ;;
    esac
}

check_prefix_root() {
    case $PREFIX in /*) ;; *) usage_error "--prefix must be an absolute path, not '$PREFIX'" ;; esac
    if [ -n "$ROOT" ]; then
        case $ROOT in /*) ;; *) ROOT=$(pwd)/$ROOT ;; esac
        ROOT=${ROOT%/}
        [ -n "$ROOT" ] || usage_error "--root / is a real install: leave --root out"
    fi
}

# The options both scripts take, and the component word; sets SHIFT to how many words it used.
common_arg() {
    case $1 in
        --prefix) [ $# -ge 2 ] || usage_error "--prefix needs a folder"; PREFIX=$2; SHIFT=2 ;;
        --prefix=*) PREFIX=${1#*=}; SHIFT=1 ;;
        --root) [ $# -ge 2 ] || usage_error "--root needs a folder"; ROOT=$2; SHIFT=2 ;;
        --root=*) ROOT=${1#*=}; SHIFT=1 ;;
        --dry-run) DRY_RUN=1; SHIFT=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage_error "unknown option '$1'" ;;
        *) [ -z "$COMPONENT" ] || usage_error "one component at a time (got '$COMPONENT' and '$1')"
           COMPONENT=$1; SHIFT=1 ;;
    esac
}
