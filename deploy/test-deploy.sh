#!/usr/bin/env bash
# Tests of deploy/: install.sh and uninstall.sh against temporary roots, the systemd units
# (systemd-analyze verify and the required settings), the Dockerfile's structure and the compose
# example. Usage: deploy/test-deploy.sh [BIN_DIR]   (BIN_DIR: built binaries for the unit check)
# Prints PASS/FAIL per check and "N passed, M failed" last; exits 1 when anything failed.
set -u
cd "$(dirname "$0")/.."
REPO=$(pwd)
BIN_DIR=${1:-${DOWNTIME_BIN_DIR:-}}
[ -z "$BIN_DIR" ] || BIN_DIR=$(cd "$BIN_DIR" && pwd)
P=0 F=0
pass() { echo "PASS: $*"; P=$((P + 1)); }
fail() { echo "FAIL: $*"; F=$((F + 1)); }
# check "what it shows" command...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
mode_is() { [ "$(stat -c %a "$1" 2>/dev/null)" = "$2" ] || { echo "  $1: mode $(stat -c %a "$1" 2>&1), want $2"; return 1; }; }
# A listing of every path, its mode, size, link target and content hash.
snapshot() { (cd "$1" && find . -printf '%p %m %s %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }

T=$(mktemp -d /tmp/downtime-deploy-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
INSTALL=$REPO/deploy/install.sh
UNINSTALL=$REPO/deploy/uninstall.sh

# Stand-in binaries: two versions, to see upgrades.
for v in 1 2 3; do
    for c in agent collector; do
        printf '#!/bin/sh\necho downtime-%s %s\n' "$c" "$v" > "$T/$c-v$v"
        chmod 755 "$T/$c-v$v"
    done
done

echo "== install.sh into a temporary root"
R=$T/root
mkdir -p "$R"
out=$("$INSTALL" collector --root "$R" --binary "$T/collector-v1" 2>&1); rc=$?
check "install collector --root exits 0" [ $rc = 0 ]
check "binary installed, mode 0755" mode_is "$R/usr/local/bin/downtime-collector" 755
check "unit installed, mode 0644" mode_is "$R/etc/systemd/system/downtime-collector.service" 644
check "collector config created from the example, mode 0640" mode_is "$R/etc/downtime/collector.env" 640
check "config example beside it, mode 0644" mode_is "$R/etc/downtime/collector.env.example" 644
check "collector state folder created, mode 0750" mode_is "$R/var/lib/downtime-collector" 750
check "docs where the unit's Documentation= points" [ -f "$R/usr/local/share/doc/downtime/README.md" ]
check "--root says no user and no systemctl" grep -q "no service user is created and systemctl is not run" <<<"$out"
check "prints how to add a device" grep -q "device add NAME --config /etc/downtime/collector.env" <<<"$out"
check "collector install explains that TLS is off and how to turn it on" bash -c 'grep -q "TLS is off: the collector serves plain HTTP" <<<"$1" && grep -q "downtime-collector tls init --host" <<<"$1"' _ "$out"
check "collector config example has the TLS lines" bash -c 'grep -q "^#DOWNTIME_TLS_CERT=" "$1" && grep -q "^#DOWNTIME_TLS_KEY=" "$1"' _ "$R/etc/downtime/collector.env"
check "no useradd or systemctl run under --root" bash -c '! grep -Eq "^\+ (useradd|systemctl)" <<<"$1"' _ "$out"

out=$("$INSTALL" agent --root "$R" --binary "$T/agent-v1" 2>&1); rc=$?
check "install agent --root exits 0" [ $rc = 0 ]
check "agent config (holds the token) created with mode 0600" mode_is "$R/etc/downtime/agent.env" 600
check "agent unit ExecStart is PREFIX/bin" grep -qx "ExecStart=/usr/local/bin/downtime-agent" "$R/etc/systemd/system/downtime-agent.service"
check "agent state folder left to systemd (DynamicUser)" [ ! -e "$R/var/lib/downtime-agent" ]
check "prints where the token goes" grep -q "DOWNTIME_TOKEN=<the token>" <<<"$out"
check "shell reporter installed with the docs" [ -x "$R/usr/local/share/doc/downtime/agent/downtime-report.sh" ]

echo "== idempotence and upgrade"
before=$(snapshot "$R")
out=$("$INSTALL" collector --root "$R" --binary "$T/collector-v1" 2>&1 && "$INSTALL" agent --root "$R" --binary "$T/agent-v1" 2>&1); rc=$?
check "second identical run exits 0" [ $rc = 0 ]
check "second identical run leaves every file, mode and content as it was" [ "$before" = "$(snapshot "$R")" ]
check "second run says the binary is already installed" grep -q "is already this binary" <<<"$out"

# The user configured both, and both have state: a database, the agent's state and outbox.
echo "DOWNTIME_TOKEN=secret-token" >> "$R/etc/downtime/agent.env"
echo "DOWNTIME_PORT=9000" >> "$R/etc/downtime/collector.env"
echo "db" > "$R/var/lib/downtime-collector/downtime.sqlite"
mkdir -p "$R/var/lib/private/downtime-agent/outbox"
echo '{"boot_id":"x"}' > "$R/var/lib/private/downtime-agent/state.json"
echo '{}' > "$R/var/lib/private/downtime-agent/outbox/e1.json"
ln -s private/downtime-agent "$R/var/lib/downtime-agent"
chmod 0644 "$R/etc/downtime/agent.env"   # loosened by hand: warned about, not changed
keep=$(cd "$R" && sha256sum etc/downtime/agent.env etc/downtime/collector.env var/lib/downtime-collector/downtime.sqlite var/lib/private/downtime-agent/state.json var/lib/private/downtime-agent/outbox/e1.json)
out=$("$INSTALL" collector --root "$R" --binary "$T/collector-v2" 2>&1 && "$INSTALL" agent --root "$R" --binary "$T/agent-v2" 2>&1); rc=$?
check "upgrade exits 0" [ $rc = 0 ]
check "upgrade replaces the binaries" bash -c '"$1/usr/local/bin/downtime-collector" | grep -q "collector 2" && "$1/usr/local/bin/downtime-agent" | grep -q "agent 2"' _ "$R"
check "upgrade keeps config, database, agent state and outbox byte for byte" [ "$keep" = "$(cd "$R" && sha256sum etc/downtime/agent.env etc/downtime/collector.env var/lib/downtime-collector/downtime.sqlite var/lib/private/downtime-agent/state.json var/lib/private/downtime-agent/outbox/e1.json)" ]
check "upgrade says it keeps the configuration" grep -q "keeping the existing configuration" <<<"$out"
check "upgrade warns about a token file that is not 0600 (and leaves it)" bash -c 'grep -q "chmod 600" <<<"$1" && [ "$(stat -c %a "$2")" = 644 ]' _ "$out" "$R/etc/downtime/agent.env"
chmod 0600 "$R/etc/downtime/agent.env"

echo "== --dry-run changes nothing"
E=$T/empty; mkdir -p "$E"
out=$("$INSTALL" collector --root "$E" --binary "$T/collector-v1" --dry-run 2>&1); rc=$?
check "dry run into an empty root exits 0" [ $rc = 0 ]
check "dry run into an empty root creates nothing" [ -z "$(ls -A "$E")" ]
check "dry run prints the install actions" bash -c 'grep -q "^\[dry-run\] install -m 0755 .*/bin/downtime-collector" <<<"$1" && grep -q "^\[dry-run\] install -m 0640 .*collector.env" <<<"$1"' _ "$out"
check "dry run runs no action (no '+' lines)" bash -c '! grep -q "^+ " <<<"$1"' _ "$out"
before=$(snapshot "$R")
"$INSTALL" collector --root "$R" --binary "$T/collector-v3" --dry-run >/dev/null 2>&1 && "$INSTALL" agent --root "$R" --binary "$T/agent-v3" --dry-run >/dev/null 2>&1
check "dry-run upgrade of an installed root changes nothing" [ "$before" = "$(snapshot "$R")" ]
if [ ! -e /etc/systemd/system/downtime-collector.service ] && [ ! -e /usr/local/bin/downtime-collector ]; then
    etc_before=$(ls -la /etc/downtime 2>&1; getent passwd downtime)
    out=$("$INSTALL" collector --binary "$T/collector-v1" --dry-run 2>&1); rc=$?
    check "dry run of a real install exits 0" [ $rc = 0 ]
    check "dry run of a real install lists user, files and systemctl" bash -c 'grep -q "^\[dry-run\] systemctl daemon-reload" <<<"$1" && grep -q "^\[dry-run\] systemctl enable --now downtime-collector" <<<"$1" && grep -q "^\[dry-run\] install -m 0644 .* /etc/systemd/system/downtime-collector.service" <<<"$1" && { getent passwd downtime >/dev/null || grep -q "^\[dry-run\] useradd --system" <<<"$1"; }' _ "$out"
    check "dry run of a real install touches nothing on this machine" bash -c '[ ! -e /etc/systemd/system/downtime-collector.service ] && [ ! -e /usr/local/bin/downtime-collector ] && [ "$1" = "$(ls -la /etc/downtime 2>&1; getent passwd downtime)" ]' _ "$etc_before"
else
    echo "SKIP: dry run of a real install (a collector is installed on this machine)"
fi

echo "== --prefix"
X=$T/prefixed
"$INSTALL" collector --root "$X" --prefix /usr --binary "$T/collector-v1" >/dev/null 2>&1
check "--prefix /usr installs to /usr/bin and points the unit there" bash -c '[ -x "$1/usr/bin/downtime-collector" ] && grep -qx "ExecStart=/usr/bin/downtime-collector serve" "$1/etc/systemd/system/downtime-collector.service" && grep -q "^Documentation=file:///usr/share/doc/downtime/" "$1/etc/systemd/system/downtime-collector.service"' _ "$X"

echo "== bad usage: one line, exit 2"
usage_case() {
    local want=$1; shift
    local err rc
    err=$("$@" 2>&1 >/dev/null); rc=$?
    [ $rc = "$want" ] && [ -n "$err" ] && head -n 1 <<<"$err" | grep -Eq '^(un)?install.sh: ' || { echo "  $*: rc=$rc: $err"; return 1; }
}
check "install.sh without a component" usage_case 2 "$INSTALL" --root "$E"
check "install.sh with an unknown component" usage_case 2 "$INSTALL" printer --root "$E"
check "install.sh with an unknown option" usage_case 2 "$INSTALL" agent --frobnicate
check "install.sh --binary of a missing file" usage_case 2 "$INSTALL" agent --root "$E" --binary "$T/nope"
check "install.sh --prefix not absolute" usage_case 2 "$INSTALL" agent --root "$E" --prefix usr
check "uninstall.sh with an unknown component" usage_case 2 "$UNINSTALL" printer --root "$E"
check "install.sh --help exits 0" bash -c '"$1" --help | grep -q "^usage: deploy/install.sh"' _ "$INSTALL"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    # The checkout may sit below a folder only root can enter (/root, a mktemp -d folder): the normal user runs a
    # copy of the scripts from a folder of its own, so that the case tests install.sh, not the checkout's location.
    U=$(mktemp -d /tmp/downtime-deploy-user.XXXXXX)
    mkdir -p "$U/repo" && cp -R "$REPO/deploy" "$REPO/agent" "$REPO/collector" "$REPO/README.md" "$U/repo/"
    chmod -R a+rX "$U"
    user_before=$(snapshot "$U"; ls -la /usr/local/bin /etc/downtime /etc/systemd/system 2>&1)
    check "install.sh as a normal user without --root: one-line error, exit 1" usage_case 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$U/repo/deploy/install.sh" agent --binary /bin/true
    check "the normal user's refused run wrote nothing" [ "$user_before" = "$(snapshot "$U"; ls -la /usr/local/bin /etc/downtime /etc/systemd/system 2>&1)" ]
    rm -rf "$U"
else
    fail "install.sh as a normal user: needs root and setpriv to become user 65534 (run the tests as root)"
fi
check "nothing was written by the refused runs" [ -z "$(ls -A "$E")" ]

echo "== uninstall.sh"
before=$(snapshot "$R")
"$UNINSTALL" collector --root "$R" --dry-run >/dev/null 2>&1
check "uninstall --dry-run changes nothing" [ "$before" = "$(snapshot "$R")" ]
out=$("$UNINSTALL" collector --root "$R" 2>&1); rc=$?
check "uninstall collector exits 0" [ $rc = 0 ]
check "uninstall removes the collector's binary and unit" bash -c '[ ! -e "$1/usr/local/bin/downtime-collector" ] && [ ! -e "$1/etc/systemd/system/downtime-collector.service" ]' _ "$R"
check "uninstall keeps the config and the database" bash -c '[ -f "$1/etc/downtime/collector.env" ] && [ "$(cat "$1/var/lib/downtime-collector/downtime.sqlite")" = db ]' _ "$R"
check "uninstall says where config and state are kept" bash -c 'grep -q "config   .*/etc/downtime/collector.env" <<<"$1" && grep -q "state    .*/var/lib/downtime-collector" <<<"$1"' _ "$out"
check "uninstall leaves the agent alone" [ -x "$R/usr/local/bin/downtime-agent" ]
out=$("$UNINSTALL" collector --root "$R" 2>&1); rc=$?
check "a second uninstall is harmless" bash -c '[ $1 = 0 ] && grep -q "is not installed" <<<"$2"' _ $rc "$out"
out=$("$UNINSTALL" agent --root "$R" 2>&1); rc=$?
check "uninstall agent keeps its token config and its state and outbox" bash -c '[ $1 = 0 ] && grep -q secret-token "$2/etc/downtime/agent.env" && [ -f "$2/var/lib/private/downtime-agent/outbox/e1.json" ] && [ ! -e "$2/usr/local/bin/downtime-agent" ] && [ ! -e "$2/usr/local/share/doc/downtime" ]' _ $rc "$R"
out=$("$INSTALL" agent --root "$R" --binary "$T/agent-v2" 2>&1)
check "reinstall after uninstall finds the kept config and state" bash -c 'grep -q "keeping the existing configuration" <<<"$1" && grep -q "keeping the agent.s state" <<<"$1"' _ "$out"
out=$("$UNINSTALL" agent --root "$R" --purge 2>&1) && "$UNINSTALL" collector --root "$R" --purge >/dev/null 2>&1
check "uninstall --purge deletes config and state" bash -c '[ ! -e "$1/etc/downtime" ] && [ ! -e "$1/var/lib/downtime-collector" ] && [ ! -e "$1/var/lib/private/downtime-agent" ] && [ ! -L "$1/var/lib/downtime-agent" ]' _ "$R"

echo "== systemd units"
U=$T/units; mkdir -p "$U"
for c in agent collector; do
    exe=$T/$c-v1
    # Through a link in the temporary folder: the checkout's path may hold spaces, which ExecStart= would split.
    [ -n "$BIN_DIR" ] && [ -x "$BIN_DIR/downtime-$c" ] && ln -sf "$BIN_DIR/downtime-$c" "$T/built-$c" && exe=$T/built-$c
    # verify needs the executable to exist: point ExecStart at the built one.
    sed "s#^ExecStart=/usr/local/bin/downtime-$c#ExecStart=$exe#" "$c/downtime-$c.service" > "$U/downtime-$c.service"
done
if command -v systemd-analyze >/dev/null; then
    for c in agent collector; do
        out=$(systemd-analyze verify "$U/downtime-$c.service" 2>&1); rc=$?
        check "systemd-analyze verify downtime-$c.service: no error, no warning" bash -c '[ $1 = 0 ] && [ -z "$2" ] || { echo "$2"; false; }' _ $rc "$out"
    done
else
    fail "systemd-analyze is missing (make deps installs systemd)"
fi
has() { grep -Eq "^$2" "$1" || { echo "  $1: no line matching ^$2"; return 1; }; }
for c in agent collector; do
    u=$c/downtime-$c.service
    check "$u: After=network-online.target time-sync.target" has "$u" 'After=.*network-online\.target.*time-sync\.target'
    check "$u: Wants=network-online.target" has "$u" 'Wants=network-online\.target'
    check "$u: Restart=always" has "$u" 'Restart=always'
    check "$u: StateDirectory=downtime-$c" has "$u" "StateDirectory=downtime-$c\$"
    check "$u: ProtectSystem=strict" has "$u" 'ProtectSystem=strict'
    check "$u: ProtectHome=yes" has "$u" 'ProtectHome=yes'
    check "$u: NoNewPrivileges=yes" has "$u" 'NoNewPrivileges=yes'
    check "$u: PrivateTmp=yes" has "$u" 'PrivateTmp=yes'
    check "$u: no restart on a bad configuration (exit 2)" has "$u" 'RestartPreventExitStatus=2'
    check "$u: WantedBy=multi-user.target" has "$u" 'WantedBy=multi-user\.target'
done
check "agent unit: a throw-away user (DynamicUser=yes)" has agent/downtime-agent.service 'DynamicUser=yes'
check "agent unit: the token file is read by systemd (EnvironmentFile=/etc/downtime/agent.env)" has agent/downtime-agent.service 'EnvironmentFile=/etc/downtime/agent\.env'
check "collector unit: the dedicated user downtime" bash -c 'grep -qx User=downtime "$1" && grep -qx Group=downtime "$1"' _ collector/downtime-collector.service

echo "== Dockerfile and compose example (structure only: no Docker engine here)"
# The Dockerfile with continued lines joined, so each instruction is one line.
D=$T/Dockerfile.joined
sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' deploy/Dockerfile > "$D"
check "Dockerfile: build stage FROM swift:6.x" has "$D" 'FROM (docker\.io/)?swift:6(\.[0-9]+)*(-bookworm)? AS build'
check "Dockerfile: release build of the collector" has "$D" 'RUN .*swift build -c release .*--product downtime-collector'
check "Dockerfile: runtime stage FROM debian:bookworm-slim" has "$D" 'FROM (docker\.io/)?debian:bookworm-slim'
check "Dockerfile: runtime installs libcurl4, libsqlite3-0, ca-certificates, curl" bash -c 'l=$(sed -n "/^FROM .*bookworm-slim/,\$p" "$1" | grep "apt-get install"); for p in libcurl4 libsqlite3-0 ca-certificates curl; do grep -qw -- "$p" <<<"$l" || exit 1; done' _ "$D"
check "Dockerfile: the binary is copied from the build stage" has "$D" 'COPY --from=build .*downtime-collector'
check "Dockerfile: runs as a non-root user" bash -c 'u=$(grep -E "^USER " "$1" | tail -n 1 | cut -d" " -f2); [ -n "$u" ] && [ "$u" != root ] && [ "${u%%:*}" != 0 ]' _ "$D"
check "Dockerfile: VOLUME /data" has "$D" 'VOLUME \[?"?/data"?\]?'
check "Dockerfile: EXPOSE 8899" has "$D" 'EXPOSE 8899'
check "Dockerfile: HEALTHCHECK with curl on /healthz" has "$D" 'HEALTHCHECK .*curl .*/healthz'
check "Dockerfile: the health check speaks https when DOWNTIME_TLS_CERT is set" has "$D" 'HEALTHCHECK .*DOWNTIME_TLS_CERT.*https'
check "Dockerfile: serves on 0.0.0.0 with the data in /data" bash -c 'grep -q "DOWNTIME_DATA_DIR=/data" "$1" && grep -q "DOWNTIME_HOST=0.0.0.0" "$1" && grep -Eq "^(ENTRYPOINT|CMD) .*downtime-collector" "$1"' _ "$D"
check ".dockerignore keeps .build and data out of the context" bash -c 'grep -qx ".build" .dockerignore && grep -qx "data" .dockerignore'
if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
    check "compose.yaml: parses; port 8899, /data volume, restart, healthcheck, the Dockerfile" python3 - deploy/compose.yaml <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
s = doc["services"]["collector"]
assert s["build"]["dockerfile"].endswith("Dockerfile"), s["build"]
assert any(str(p).endswith("8899:8899") or str(p).endswith(":8899") for p in s["ports"]), s["ports"]
assert any(str(v).endswith(":/data") for v in s["volumes"]), s["volumes"]
assert s["restart"] in ("unless-stopped", "always"), s["restart"]
assert "healthz" in " ".join(s["healthcheck"]["test"]), s["healthcheck"]
EOF
    check "compose.tls.yaml: the certificate and key mounted read-only, the variables set, https health check" python3 - deploy/compose.tls.yaml <<'EOF'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))["services"]["collector"]
mounts = [str(v) for v in s["volumes"]]
assert any(v.endswith(":/tls:ro") for v in mounts), mounts
env = s["environment"]
assert env["DOWNTIME_TLS_CERT"].startswith("/tls/") and env["DOWNTIME_TLS_KEY"].startswith("/tls/"), env
assert "https://" in " ".join(s["healthcheck"]["test"]), s["healthcheck"]
EOF
else
    fail "compose.yaml: python3 with PyYAML is missing"
fi

echo "== examples: the apt hook and the planned reboot call the agent with the right arguments"
E=$T/examples
mkdir -p "$E/bin"
# Stand-ins on PATH that record their arguments, one call a line.
for c in downtime-agent systemctl; do
    printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\n' "$c" "$E" > "$E/bin/$c"
    chmod 755 "$E/bin/$c"
done
for s in apt-maintenance planned-reboot; do
    check "examples/$s: sh -n" sh -n "$REPO/deploy/examples/$s"
    check "examples/$s: executable" [ -x "$REPO/deploy/examples/$s" ]
done
check "examples/80downtime-maintenance: DPkg::Pre-Invoke and Post-Invoke call the hook, never failing apt" bash -c \
    'grep -q "^DPkg::Pre-Invoke { \"/usr/local/sbin/apt-maintenance start || true\"; };" "$1" && grep -q "^DPkg::Post-Invoke { \"/usr/local/sbin/apt-maintenance end || true\"; };" "$1"' _ "$REPO/deploy/examples/80downtime-maintenance"
calls() { cat "$E/calls" 2>/dev/null; rm -f "$E/calls"; }
PATH="$E/bin:$PATH" DOWNTIME_REBOOT_REQUIRED_FILE=$E/none "$REPO/deploy/examples/apt-maintenance" start
check "apt-maintenance start announces 30m for the upgrade" [ "$(calls)" = "downtime-agent maintenance 30m --reason package upgrade (apt)" ]
PATH="$E/bin:$PATH" DOWNTIME_REBOOT_REQUIRED_FILE=$E/none "$REPO/deploy/examples/apt-maintenance" end
check "apt-maintenance end ends it" [ "$(calls)" = "downtime-agent maintenance --end" ]
touch "$E/reboot-required"
PATH="$E/bin:$PATH" DOWNTIME_REBOOT_REQUIRED_FILE=$E/reboot-required "$REPO/deploy/examples/apt-maintenance" end
check "apt-maintenance end with a reboot required keeps a window until the device is back" [ "$(calls)" = "downtime-agent maintenance --end
downtime-agent maintenance --until-back 2h --reason reboot required by a package upgrade" ]
PATH="$E/bin:$PATH" "$REPO/deploy/examples/apt-maintenance" bogus 2>/dev/null; rc=$?
check "apt-maintenance with a bad word exits 2 and calls nothing" [ $rc = 2 -a -z "$(calls)" ]
printf '#!/bin/sh\nexit 1\n' > "$E/bin/downtime-agent"
PATH="$E/bin:$PATH" "$REPO/deploy/examples/apt-maintenance" start 2>"$E/err"; rc=$?
check "apt-maintenance never fails the upgrade (exit 0, one line on stderr)" bash -c '[ "$1" = 0 ] && [ "$(wc -l < "$2")" = 1 ]' _ $rc "$E/err"
PATH="$E/bin:$PATH" "$REPO/deploy/examples/planned-reboot" "kernel 6.12" 2>"$E/err"
check "planned-reboot reboots even when the announcement fails" bash -c '[ "$(cat "$1/calls")" = "systemctl reboot" ] && grep -q "rebooting anyway" "$1/err"' _ "$E"
rm -f "$E/calls"
printf '#!/bin/sh\necho "downtime-agent $*" >> "%s/calls"\n' "$E" > "$E/bin/downtime-agent"
PATH="$E/bin:$PATH" "$REPO/deploy/examples/planned-reboot" "kernel 6.12"
check "planned-reboot announces until-back with its reason, then runs systemctl reboot" [ "$(calls)" = "downtime-agent maintenance --until-back 30m --reason kernel 6.12
systemctl reboot" ]
PATH="$E/bin:$PATH" "$REPO/deploy/examples/planned-reboot"
check "planned-reboot without a reason says planned reboot" [ "$(calls | head -1)" = "downtime-agent maintenance --until-back 30m --reason planned reboot" ]

echo "== make run (deploy/run-local.sh) from a folder with a space in its name"
if [ -n "$BIN_DIR" ] && [ -x "$BIN_DIR/downtime-collector" ]; then
    free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
    W="$T/make run/data"
    port=$(free_port)
    DOWNTIME_PORT=$port DOWNTIME_DATA_DIR="$W" setpriv --pdeathsig KILL -- "$REPO/deploy/run-local.sh" "$BIN_DIR" >"$T/run.out" 2>&1 &
    run=$!
    for _ in $(seq 100); do grep -q "DowntimeMon is running" "$T/run.out" && break; sleep 0.2; done
    check "run-local.sh says where to look and the collector answers" bash -c 'grep -q "open http://localhost:$1/" "$2" && curl -fs "http://127.0.0.1:$1/healthz" >/dev/null' _ "$port" "$T/run.out"
    for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/api/v1/devices" | grep -q '"status":"up"' && break; sleep 0.2; done
    check "run-local.sh's agent reports this machine up" bash -c 'curl -fs "http://127.0.0.1:$1/api/v1/devices" | grep -q "\"status\":\"up\""' _ "$port"
    # A second `make run` on the same port: the collector's one line, exit 2, no agent started against the first.
    out=$(DOWNTIME_PORT=$port DOWNTIME_DATA_DIR="$W-2" timeout 30 "$REPO/deploy/run-local.sh" "$BIN_DIR" 2>&1); rc=$?
    check "a second run-local.sh on a taken port exits 2 naming the port" bash -c '[ "$1" = 2 ] && grep -q "cannot listen on 0.0.0.0:$2 (DOWNTIME_PORT): Address already in use" <<<"$3" && ! grep -q "DowntimeMon is running" <<<"$3"' _ $rc "$port" "$out"
    # Stopping it (Ctrl-C in a terminal; SIGTERM here: a background script ignores SIGINT) stops the agent first, so
    # its shutdown reaches a collector that still listens: no "collector unreachable" at the end, then the collector.
    kill -TERM $run; wait $run 2>/dev/null
    check "stopping run-local.sh stops the agent before the collector" bash -c '! tail -n 5 "$1" | grep -q "collector unreachable" && ! curl -fs "http://127.0.0.1:$2/healthz" >/dev/null' _ "$T/run.out" "$port"
else
    fail "make run: no built binaries given (deploy/test-deploy.sh BIN_DIR)"
fi

echo
echo "$P passed, $F failed"
[ $F = 0 ]
