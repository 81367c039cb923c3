#!/usr/bin/env python3
"""Agent footprint benchmark (issue 7, item 5): the real downtime-agent against a plain C libcurl
loop (the floor, built here) and a Python 3 agent, in the same run, beating the real
`downtime-collector serve` on loopback.

Every agent runs an hour-equivalent of beats (360 at the default 10 s) at a short interval, with
the persist interval in the same ratio as the defaults (60 s / 10 s: one state write every 6
beats). The rounds run side by side (at 1 s beats, rounds one after the other would not fit the
8-minute budget); each kind's figures are medians over its rounds. One more copy of each kind runs
under `strace` to count fsyncs. Every beat is checked on the collector: a device's `last_seen`
must take one new value per beat, and the collector's heartbeat counter must add up.
`--baseline-static-bin` / `--baseline-bin` run a previous agent build beside the new one in the same
run and print each figure as a ratio new/old (a change must not make the agent heavier).
The installed agent also runs once more per round reading fake Raspberry Pi power and temperature files
(`--sysfs-root`): what sensing costs, and that state writes stay at the persist interval.
The memory floors (issue 33): VmRSS and private memory of both agent builds as ratios to the C loop of the
same round, and a bare Swift loop (`bare_loop.swift`, built here with swiftc with the runtime shared and
linked in) that only sleeps, sampled at the same moment: the Swift runtime's own share.

usage: agent_footprint.py --bin DIR --static-bin DIR [--collector-bin DIR] [--beats 360]
                          [--rounds 3] [--interval 1] [--baseline-static-bin DIR] [--baseline-bin DIR]
                          [--markdown FILE] [--keep]
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import harness

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_INTERVAL, DEFAULT_PERSIST = 10, 60
WARM_BEATS = 10  # CPU is also given from here on, without the start
# swift-static-sensing: the installed agent again, reading fake Raspberry Pi power and temperature files
# (--sysfs-root) on each beat, to show what sensing costs in the same run.
KINDS = ["swift-static", "swift-static-sensing", "swift", "c", "python"]
# The headline is the static-stdlib agent: what deploy/install.sh builds and installs.
HEADLINE = "swift-static"
LABEL = {"swift": "Swift agent (dynamic stdlib)", "swift-static": "Swift agent (static stdlib, installed)",
         "swift-static-sensing": "Swift agent (static stdlib, sensing fake Pi files)",
         "c": "C libcurl floor", "python": "Python 3 urllib",
         "swift-static-base": "Swift agent (static stdlib, baseline)", "swift-base": "Swift agent (dynamic stdlib, baseline)"}
# A baseline kind is the previous build of the kind it is compared with (new/old ratios).
BASELINE_OF = {"swift-static": "swift-static-base", "swift": "swift-base"}
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """A broken run: the figures of a client that did not beat are worthless."""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120, **kw)


def read_kv(path, sep=":"):
    out = {}
    with open(path) as f:
        for line in f:
            if sep in line:
                k, v = line.split(sep, 1)
                out[k.strip()] = v.strip()
    return out


def kb(value):
    return int(value.split()[0])


def sample(pid):
    """Memory, CPU and I/O of a running process, from /proc."""
    st = read_kv(f"/proc/{pid}/status")
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    io = read_kv(f"/proc/{pid}/io")
    roll = read_kv(f"/proc/{pid}/smaps_rollup")
    run_ns = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run_ns += int(f.read().split()[0])
        except OSError:
            pass
    return {
        "t": time.monotonic(),
        "rss_kb": kb(st["VmRSS"]), "anon_kb": kb(st["RssAnon"]), "file_kb": kb(st["RssFile"]),
        "hwm_kb": kb(st["VmHWM"]), "threads": int(st["Threads"]),
        "pss_kb": kb(roll.get("Pss", "0 kB")),
        "private_kb": kb(roll.get("Private_Clean", "0 kB")) + kb(roll.get("Private_Dirty", "0 kB")),
        # utime + stime, fields 14 and 15 of /proc/PID/stat (13, 14 after the command name)
        "cpu_s": (int(fields[11]) + int(fields[12])) / CLK_TCK,
        "run_s": run_ns / 1e9,
        "write_bytes": int(io["write_bytes"]), "wchar": int(io["wchar"]), "syscw": int(io["syscw"]),
    }


def smaps_by_file(pid):
    """Resident kB per mapped file (anonymous mappings as [anon]), largest first."""
    sizes, name = {}, "[anon]"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                name = os.path.basename(head[5]) if len(head) > 5 else "[anon]"
            elif head and head[0] == "Rss:":
                sizes[name] = sizes.get(name, 0) + int(head[1])
    return sorted(sizes.items(), key=lambda kv: -kv[1])


def stripped_size(binary, tmp):
    copy = os.path.join(tmp, "strip-" + os.path.basename(os.path.dirname(binary)) + "-" + os.path.basename(binary))
    shutil.copy(binary, copy)
    run(["strip", copy])
    return os.path.getsize(copy)


def build_bare(tmp):
    """bare_loop.swift twice: the Swift runtime as shared libraries, and linked in as the installed agent has it."""
    swiftc = shutil.which("swiftc")
    if not swiftc:
        raise BenchError("swiftc is not on PATH (needed for the bare Swift loop)")
    out = {}
    for kind, flags in (("bare-swift", []), ("bare-swift-static", ["-static-stdlib"])):
        out[kind] = os.path.join(tmp, kind)
        run([swiftc, "-O", *flags, "-o", out[kind], os.path.join(HERE, "bare_loop.swift")], cwd=tmp)
    return out


def memory_floor(agents, bare, rounds):
    """The `bench:` line of the memory floors: each agent build's VmRSS and private memory over the C loop of
    the same round (median of the rounds' ratios), and the bare Swift loop's figures (the runtime's share)."""
    def per_round(kind, key):
        return [a.end[1][key] / 1024 for a in sorted((a for a in agents if a.kind == kind and not a.strace_log),
                                                     key=lambda a: a.name)][:rounds]
    # Private = RssAnon (heap, stacks, written data): what the process alone costs. smaps' Private_Clean would count
    # the binary's own code as private or shared depending on how many copies run side by side here.
    c_rss, c_priv = per_round("c", "rss_kb"), per_round("c", "anon_kb")
    parts = []
    for kind, label in (("swift-static", "static agent"), ("swift", "dynamic agent")):
        rss, priv = per_round(kind, "rss_kb"), per_round(kind, "anon_kb")
        r_rss = [x / y for x, y in zip(rss, c_rss)]
        r_priv = [x / y for x, y in zip(priv, c_priv)]
        parts.append(f"{label} VmRSS {benchlib.median(rss):.1f} MB = {benchlib.median(r_rss):.2f} x C "
                     f"({', '.join(f'{x:.2f}' for x in r_rss)}), private {benchlib.median(priv):.1f} MB = "
                     f"{benchlib.median(r_priv):.2f} x C")
    for kind, label in (("bare-swift-static", "bare Swift loop static"), ("bare-swift", "dynamic")):
        rss = [s["rss_kb"] / 1024 for s in bare[kind]]
        priv = [s["anon_kb"] / 1024 for s in bare[kind]]
        parts.append(f"{label} VmRSS {benchlib.median(rss):.1f} MB private {benchlib.median(priv):.1f} MB")
    return (f"bench: agent memory floor (private = RssAnon): C loop VmRSS {benchlib.median(c_rss):.1f} MB private "
            f"{benchlib.median(c_priv):.1f} MB; " + "; ".join(parts) +
            f" (goal static VmRSS 1.4 x C, private 2 MB; medians of {rounds} rounds side by side; "
            f"{benchlib.load_text()})")


def build_c(tmp):
    out = os.path.join(tmp, "c_agent")
    try:
        flags = run(["pkg-config", "--cflags", "--libs", "libcurl"]).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        flags = ["-lcurl"]
    run(["cc", "-O2", "-Wall", "-Werror", "-o", out, os.path.join(HERE, "c_agent.c")] + flags)
    return out


class Agent:
    """One agent process of one kind, on its own device and state folder."""

    def __init__(self, kind, name, token, state_dir, log_path, strace_log=None):
        self.kind, self.name, self.token, self.state_dir = kind, name, token, state_dir
        self.log_path, self.strace_log = log_path, strace_log
        self.proc = None
        self.pid = None  # the agent itself (under strace: strace's child)
        self.seen = set()  # distinct last_seen values on the collector
        self.warm = self.end = None
        self.smaps = None
        self.stdout = ""
        self.sysfs_root = None

    def command(self, exe, url, interval, persist):
        if self.kind.startswith("swift"):
            cmd = [exe, "--collector", url, "--device", self.name, "--token", self.token,
                   "--state-dir", self.state_dir, "--interval", str(interval), "--persist-interval", str(persist)]
            return cmd + (["--sysfs-root", self.sysfs_root] if self.kind.endswith("-sensing") else [])
        if self.kind == "c":
            return [exe, url, self.token, self.name, self.state_dir, str(interval), str(persist)]
        return [exe[0], exe[1], url, self.token, self.name, self.state_dir, str(interval), str(persist)]

    def start(self, exe, url, interval, persist):
        os.makedirs(self.state_dir, exist_ok=True)
        cmd = self.command(exe, url, interval, persist)
        if self.strace_log:
            cmd = ["strace", "-f", "-ttt", "-y", "--seccomp-bpf", "-o", self.strace_log,
                   "-e", "trace=fsync,fdatasync,sync_file_range,syncfs,msync,rename,renameat,renameat2",
                   "--"] + harness.DIE_WITH_PARENT + cmd
        self.err = open(self.log_path, "w")
        # Dies with this script even when run.sh's time limit kills it (strace: its child dies with strace).
        self.proc = subprocess.Popen(harness.DIE_WITH_PARENT + cmd, stdout=subprocess.PIPE, stderr=self.err, text=True)
        self.pid = self.proc.pid

    def resolve_traced_pid(self):
        """Under strace the agent is strace's child, once that child has exec'd the agent (strace
        also forks a short-lived probe of its own)."""
        if not self.strace_log or self.pid != self.proc.pid:
            return
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                kids = f.read().split()
            for kid in kids:
                with open(f"/proc/{kid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
                # Until it has exec'd the agent it is still strace (or its probe) or setpriv.
                if self.name.encode() in argv and os.path.basename(argv[0]) not in (b"strace", b"setpriv"):
                    self.pid = int(kid)
        except OSError:
            pass

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.stdout, _ = self.proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                if self.pid != self.proc.pid:
                    try:
                        os.kill(self.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.stdout, _ = self.proc.communicate()
        self.err.close()


def fake_pi_sysfs(root):
    """The three files a Raspberry Pi's agent reads on each beat (HealthSensor): firmware flags saying
    under-voltage now and since boot, the rpi_volt hwmon alarm, and the SoC temperature. Constant, so a
    warning appears once (one state write at once) and then lasts: writes stay at the persist interval."""
    files = {"sys/devices/platform/soc/soc:firmware/get_throttled": "0x50005\n",
             "sys/class/hwmon/hwmon0/name": "cpu_thermal\n",
             "sys/class/hwmon/hwmon1/name": "rpi_volt\n",
             "sys/class/hwmon/hwmon1/in0_lcrit_alarm": "1\n",
             "sys/class/thermal/thermal_zone0/temp": "48312\n"}
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    return root


def fsync_report(path, t_first, t_last, interval, persist):
    """fsyncs in the strace log: all, and those between the first and last beat; the spacing of the
    state writes, and how many came a tick late (persist + interval after the one before)."""
    total, inside, times, targets = 0, 0, [], {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^\d+\s+(\d+\.\d+)\s+(fsync|fdatasync|sync_file_range|syncfs|msync)\((\d+)<([^>]*)>", line)
            if not m or not re.search(r"= 0\s*$", line):
                continue
            total += 1
            t = float(m.group(1))
            target = os.path.basename(m.group(4))
            targets[target] = targets.get(target, 0) + 1
            if t_first <= t <= t_last:
                inside += 1
                if target == "state.json.tmp":
                    times.append(t)
    gaps = [b - a for a, b in zip(times, times[1:])]
    return {"total": total, "inside": inside, "state_writes": len(times),
            "gap_min": min(gaps) if gaps else None, "gap_max": max(gaps) if gaps else None,
            "late": sum(1 for g in gaps if g >= persist + interval / 2), "targets": targets}


def accepted_heartbeats(metrics):
    """The collector's count of heartbeats answered 2xx, from /metrics."""
    total = 0.0
    for line in metrics.splitlines():
        if (line.startswith("hb_requests_total{") and 'http_route="/api/v1/heartbeat"' in line
                and re.search(r'status_code="2\d\d"', line)):
            total += float(line.rsplit(" ", 1)[1])
    return total


def machine(python):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"
    curl = "?"
    try:
        curl = run(["pkg-config", "--modversion", "libcurl"]).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(), "swift": first_line(["swift", "--version"]),
            "libcurl": curl, "python": first_line([python, "--version"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="folder with downtime-agent (dynamic stdlib) and downtime-collector")
    ap.add_argument("--static-bin", required=True, help="folder with downtime-agent built with --static-swift-stdlib")
    ap.add_argument("--collector-bin", help="folder with downtime-collector (default: --bin)")
    ap.add_argument("--beats", type=int, default=3600 // DEFAULT_INTERVAL, help="beats per agent (360 = an hour at 10 s)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--interval", type=int, default=1, help="heartbeat interval in s (the agent's minimum is 1)")
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable,
                    help="interpreter for the Python agent (default: the system's)")
    ap.add_argument("--also", action="append", default=[], metavar="LABEL=DIR",
                    help="one more downtime-agent build to measure beside the others (a proposed change)")
    ap.add_argument("--baseline-static-bin", metavar="DIR",
                    help="folder with the previous downtime-agent (static stdlib), run beside the new one for new/old ratios")
    ap.add_argument("--baseline-bin", metavar="DIR",
                    help="folder with the previous downtime-agent (dynamic stdlib), run beside the new one for new/old ratios")
    ap.add_argument("--markdown", help="also write the results as markdown to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    persist = args.interval * DEFAULT_PERSIST // DEFAULT_INTERVAL
    beats = args.beats
    hour_beats = 3600 // DEFAULT_INTERVAL
    swift_bin = os.path.join(args.bin, "downtime-agent")
    static_bin = os.path.join(args.static_bin, "downtime-agent")
    collector_dir = args.collector_bin or args.bin
    baselines = {"swift-static-base": args.baseline_static_bin, "swift-base": args.baseline_bin}
    baselines = {kind: os.path.join(folder, "downtime-agent") for kind, folder in baselines.items() if folder}
    for p in (swift_bin, static_bin, os.path.join(collector_dir, "downtime-collector"), *baselines.values()):
        if not os.access(p, os.X_OK):
            raise BenchError(f"missing binary {p}")

    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="dtm-footprint-")
    collector = None
    agents = []
    bare_procs = {}
    try:
        fs = run(["findmnt", "-n", "-o", "FSTYPE", "-T", tmp]).stdout.strip()
        c_bin = build_c(tmp)
        bare_bins = build_bare(tmp)
        sysfs_root = fake_pi_sysfs(os.path.join(tmp, "fake-pi"))
        exes = {"swift": swift_bin, "swift-static": static_bin, "swift-static-sensing": static_bin, "c": c_bin,
                "python": (args.python, os.path.join(HERE, "py_agent.py"))}
        kinds = list(KINDS)
        for i, extra in enumerate(args.also):
            label, _, folder = extra.partition("=")
            kind = f"swift-also{i}"
            exes[kind] = os.path.join(folder, "downtime-agent")
            LABEL[kind] = f"Swift agent ({label})"
            kinds.insert(2 + i, kind)
        # Each baseline right after the build it is compared with.
        for new, old in BASELINE_OF.items():
            if old in baselines:
                exes[old] = baselines[old]
                kinds.insert(kinds.index(new) + 1, old)
        sizes = {k: stripped_size(exes[k], tmp) for k in kinds if k != "python"}
        py_version = run([args.python, "--version"]).stdout.strip()

        t_add = time.monotonic()
        data = os.path.join(tmp, "collector")
        os.makedirs(data)
        for kind in kinds:
            for r in range(args.rounds + 1):  # the last one runs under strace
                name = f"fp-{kind}-{r}" if r < args.rounds else f"fp-{kind}-strace"
                traced = r == args.rounds
                agents.append(Agent(kind, name, harness.add_device(collector_dir, data, name), os.path.join(tmp, "state", name),
                                    os.path.join(tmp, name + ".log"), os.path.join(tmp, name + ".strace") if traced else None))
        for a in agents:
            a.sysfs_root = sysfs_root
        print(f"  {len(agents)} devices added in {time.monotonic() - t_add:.1f} s", flush=True)
        collector = harness.Collector(collector_dir, data).start()
        url = f"http://127.0.0.1:{collector.port}"

        def get(path):
            status, _, body = harness.request(collector.port, "GET", path)
            if status != 200:
                raise BenchError(f"GET {path}: HTTP {status}")
            return body.decode()
        print(f"agent footprint: {len(agents)} agents ({args.rounds} rounds side by side + 1 under strace per kind), "
              f"{beats} beats at {args.interval} s, persist {persist} s, collector {url}, state on {fs}",
              flush=True)
        for a in agents:
            a.start(exes[a.kind], url, args.interval, persist)
        # The bare loops beat nothing: sampled once, when the agents are done, and stopped with them.
        bare_procs = {kind: [subprocess.Popen(harness.DIE_WITH_PARENT + [exe], stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL) for _ in range(args.rounds)]
                      for kind, exe in bare_bins.items()}
        t_first = time.time()

        # Count every beat on the collector; sample each agent at WARM_BEATS and at `beats`.
        deadline = time.monotonic() + beats * args.interval * 1.1 + 30
        by_name = {a.name: a for a in agents}
        last_report = 0
        while any(a.end is None for a in agents):
            if time.monotonic() > deadline:
                short = {a.name: len(a.seen) for a in agents if a.end is None}
                raise BenchError(f"beats missing after {beats * args.interval * 1.1 + 30:.0f} s: {short}")
            for a in agents:
                if a.proc.poll() is not None and a.end is None:
                    raise BenchError(f"{a.name} exited early with {a.proc.returncode} (log {a.log_path})")
                a.resolve_traced_pid()
            for d in json.loads(get("/api/v1/devices?limit=1000"))["devices"]:
                a = by_name.get(d["name"])
                if a is None or d.get("last_seen") is None:
                    continue
                a.seen.add(d["last_seen"])
                n = len(a.seen)
                if a.proc.poll() is not None:
                    raise BenchError(f"{a.name} exited early with {a.proc.returncode} (log {a.log_path})")
                if a.warm is None and n >= WARM_BEATS:
                    a.warm = (n, sample(a.pid))
                if a.end is None and n >= beats:
                    a.end = (n, sample(a.pid))
                    if a.smaps is None and not a.strace_log:
                        a.smaps = smaps_by_file(a.pid)
            if time.monotonic() - last_report > 60:
                last_report = time.monotonic()
                print(f"  {time.monotonic() - started:.0f} s: beats seen min {min(len(a.seen) for a in agents)} of {beats}",
                      flush=True)
            time.sleep(0.25)
        t_last = time.time()
        bare, bare_smaps = {}, {}
        for kind, procs in bare_procs.items():
            bare[kind] = [sample(p.pid) for p in procs]
            bare_smaps[kind] = smaps_by_file(procs[0].pid)
            for p in procs:
                p.kill()
                p.wait()
        for a in agents:
            a.stop()

        # Did they really beat? The collector's 2xx heartbeat counter and the agents' own counters.
        hb_2xx = accepted_heartbeats(get("/metrics"))
        own = {}
        for a in agents:
            if a.kind in ("c", "python"):
                m = re.search(r"beats_ok=(\d+) beats_failed=(\d+)", a.stdout)
                if not m:
                    raise BenchError(f"{a.name} printed no counters: {a.stdout!r}")
                own[a.name] = (int(m.group(1)), int(m.group(2)))
                if own[a.name][0] < beats or own[a.name][1] > 0:
                    raise BenchError(f"{a.name}: {own[a.name][0]} beats accepted, {own[a.name][1]} failed")
            with open(a.log_path) as f:
                bad = [l for l in f if re.search(r"refused|unreachable|not sent|could not", l)]
            if bad:
                raise BenchError(f"{a.name} logged problems: {bad[:3]}")
        if hb_2xx < len(agents) * beats:
            raise BenchError(f"collector counted {hb_2xx:.0f} accepted heartbeats, expected at least {len(agents) * beats}")

        # Figures per kind, medians over the rounds.
        rows = {}
        for kind in kinds:
            rs = [a for a in agents if a.kind == kind and not a.strace_log]
            tr = next(a for a in agents if a.kind == kind and a.strace_log)
            def med(f):
                return benchlib.median([f(a) for a in rs])
            fs_rep = fsync_report(tr.strace_log, t_first, t_last, args.interval, persist)
            scale = hour_beats / beats
            rows[kind] = {
                "size": sizes.get(kind),
                "rss": med(lambda a: a.end[1]["rss_kb"]) / 1024, "anon": med(lambda a: a.end[1]["anon_kb"]) / 1024,
                "private": med(lambda a: a.end[1]["private_kb"]) / 1024, "pss": med(lambda a: a.end[1]["pss_kb"]) / 1024,
                "file": med(lambda a: a.end[1]["file_kb"]) / 1024, "hwm": med(lambda a: a.end[1]["hwm_kb"]) / 1024,
                "threads": med(lambda a: a.end[1]["threads"]),
                "cpu": med(lambda a: a.end[1]["cpu_s"] / a.end[0] * 1000),
                "cpu_steady": med(lambda a: (a.end[1]["run_s"] - a.warm[1]["run_s"]) / (a.end[0] - a.warm[0]) * 1000),
                "write_bytes": med(lambda a: a.end[1]["write_bytes"] * scale),
                "wchar": med(lambda a: a.end[1]["wchar"] * scale),
                "fsyncs": fs_rep["total"] * scale, "fsyncs_inside": fs_rep["inside"] * scale,
                "state_writes": fs_rep["state_writes"], "gap_min": fs_rep["gap_min"], "gap_max": fs_rep["gap_max"],
                "late": fs_rep["late"],
                "targets": fs_rep["targets"],
                "beats": min(len(a.seen) for a in rs + [tr]),
            }
        sw, c, py = rows[HEADLINE], rows["c"], rows["python"]
        elapsed = time.monotonic() - started
        lines = report(rows, args, persist, py_version, fs, hb_2xx, len(agents), elapsed, agents)
        print("\n".join(lines))
        summary = (f"bench: agent footprint RSS {sw['rss']:.1f} MB = {sw['rss'] / c['rss']:.2f} x C floor (goal 1.2), "
                   f"{sw['rss'] / py['rss']:.2f} x Python; private {sw['anon']:.1f} MB (goal 4); "
                   f"CPU {sw['cpu']:.2f} s/1000 beats (goal 1); "
                   f"{sw['fsyncs']:.0f} fsyncs/h-equivalent at persist {DEFAULT_PERSIST} s")
        sensing = rows["swift-static-sensing"]
        # The sensing agent sends its health: the collector must have it, or the comparison shows nothing.
        for d in json.loads(get("/api/v1/devices?limit=1000"))["devices"]:
            if d["name"].startswith("fp-swift-static-sensing-") and (d.get("health") or {}).get("temp_c") != 48.3:
                raise BenchError(f"{d['name']} sent no health from the fake Pi files: {d.get('health')}")
        sensing_line = (f"bench: agent footprint sensing: CPU {sensing['cpu']:.3f} vs {sw['cpu']:.3f} s/1000 beats "
                        f"(steady {sensing['cpu_steady']:.3f} vs {sw['cpu_steady']:.3f}), "
                        f"RSS {sensing['rss']:.1f} vs {sw['rss']:.1f} MB, fsyncs {sensing['fsyncs']:.0f} vs "
                        f"{sw['fsyncs']:.0f} per h-eq, state writes {sensing['gap_min'] or 0:.1f}..{sensing['gap_max'] or 0:.1f} s "
                        f"apart, {sensing['late']} a tick late (persist {persist} s)")
        print(sensing_line)
        lines.append(sensing_line)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(markdown(rows, args, persist, fs, elapsed, lines, summary))
        print(summary)
        for kind, top in bare_smaps.items():
            print(f"largest resident mappings of {kind} (MB): " + ", ".join(f"{n} {k / 1024:.1f}" for n, k in top[:8]))
        print(memory_floor(agents, bare, args.rounds))
        for line in against_baseline(rows):
            print(line)
        return 0
    finally:
        for a in agents:
            try:
                a.stop()
            except Exception:  # keep killing the rest
                if a.proc and a.proc.poll() is None:
                    a.proc.kill()
        for p in (p for procs in bare_procs.values() for p in procs):
            if p.poll() is None:
                p.kill()
                p.wait()
        if collector:
            collector.stop()
        if args.keep:
            print(f"(kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def size_text(size):
    if not size:
        return "(interpreter)"
    return f"{size / 2**20:.2f} MB" if size >= 2**20 else f"{size / 1024:.0f} KiB"


def table(rows):
    head = ["", "stripped", "VmRSS", "RssAnon", "private", "PSS", "CPU s/1000", "CPU s/1000", "write_bytes", "wchar",
            "fsyncs", "beats"]
    sub = ["", "binary", "MB", "MB", "MB", "MB", "beats", "steady", "/h-eq", "/h-eq", "/h-eq", "seen"]
    out = [head, sub]
    for kind, r in rows.items():
        out.append([LABEL[kind], size_text(r["size"]), f"{r['rss']:.1f}",
                    f"{r['anon']:.1f}", f"{r['private']:.1f}", f"{r['pss']:.1f}", f"{r['cpu']:.3f}",
                    f"{r['cpu_steady']:.3f}", f"{r['write_bytes'] / 1024:.0f} KiB", f"{r['wchar'] / 1024:.0f} KiB",
                    f"{r['fsyncs']:.0f}", str(r["beats"])])
    return out


def against_baseline(rows):
    """One line per build run beside its baseline: each figure new/old (above 1 = the new one is heavier)."""
    out = []
    for new, old in BASELINE_OF.items():
        if old not in rows:
            continue
        n, o = rows[new], rows[old]
        figures = [("RSS", "rss", "MB", 1), ("private", "anon", "MB", 1), ("CPU", "cpu", "s/1000 beats", 3),
                   ("CPU steady", "cpu_steady", "s/1000 beats", 3), ("fsyncs", "fsyncs", "/h-eq", 0),
                   ("stripped binary", "size", "MB", 2)]
        parts = []
        for name, key, unit, digits in figures:
            a, b = n[key], o[key]
            if key == "size":
                a, b = a / 2**20, b / 2**20
            ratio = f"{a / b:.3f}" if b else "n/a"
            parts.append(f"{name} {a:.{digits}f} / {b:.{digits}f} {unit} = {ratio}")
        stdlib = "static stdlib" if new == "swift-static" else "dynamic stdlib"
        out.append(f"bench: agent footprint new/old, {stdlib}: " + "; ".join(parts))
    return out


def report(rows, args, persist, py_version, fs, hb_2xx, n_agents, elapsed, agents):
    sw, dyn, c, py = rows[HEADLINE], rows["swift"], rows["c"], rows["python"]
    t = table(rows)
    widths = [max(len(row[i]) for row in t) for i in range(len(t[0]))]
    lines = [""] + ["  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
                    for row in t]
    lines.append("")
    lines.append(f"medians of {args.rounds} rounds; MB = MiB; /h-eq = per {3600 // DEFAULT_INTERVAL} beats; "
                 f"fsyncs from one more copy under strace; Python = {py_version}")
    lines.append(f"RSS ratios: static Swift/C {sw['rss'] / c['rss']:.2f}, static Swift/Python {sw['rss'] / py['rss']:.2f}, "
                 f"dynamic Swift/C {dyn['rss'] / c['rss']:.2f}, dynamic Swift/Python {dyn['rss'] / py['rss']:.2f}; "
                 f"RssAnon static Swift/C {sw['anon'] / c['anon']:.2f}")
    for kind, r in rows.items():
        gaps = (f"{r['gap_min']:.1f}..{r['gap_max']:.1f} s apart, {r['late']} a tick late"
                if r["gap_min"] is not None else "n/a")
        lines.append(f"fsyncs {LABEL[kind]}: {r['fsyncs']:.0f} per h-eq ({r['fsyncs_inside']:.0f} between first and "
                     f"last beat), {r['state_writes']} state writes {gaps}; by file {r['targets']}")
    lines.append(f"beats checked: every agent >= {args.beats} distinct last_seen values; collector 2xx heartbeats "
                 f"{hb_2xx:.0f} >= {n_agents} x {args.beats}")
    for kind in rows:
        first = next((a for a in agents if a.kind == kind and a.smaps), None)
        if first:
            top = ", ".join(f"{n} {k / 1024:.1f}" for n, k in first.smaps[:10])
            lines.append(f"largest resident mappings of {first.name} (MB): {top}")
    lines.append(f"state folder on {fs}; whole benchmark {elapsed:.0f} s")
    return lines


def markdown(rows, args, persist, fs, elapsed, lines, summary):
    m = machine(args.python)
    t = table(rows)
    md = ["| " + " | ".join(a + (" " + b if b else "") for a, b in zip(t[0], t[1])) + " |",
          "|" + "---|" * len(t[0])]
    md += ["| " + " | ".join(row) + " |" for row in t[2:]]
    base = "".join(f" {flag} {folder}" for flag, folder in (("--collector-bin", args.collector_bin),
                                                             ("--baseline-static-bin", args.baseline_static_bin),
                                                             ("--baseline-bin", args.baseline_bin)) if folder)
    text = [f"Command: `python3 Tests/bench/agent_footprint.py --bin {args.bin} --static-bin {args.static_bin}"
            f" --beats {args.beats} --rounds {args.rounds} --interval {args.interval}{base}`", "",
            f"Machine: {m['nproc']} cores, {m['cpu']}, Linux {m['kernel']}; {m['swift']}; libcurl {m['libcurl']}; "
            f"{m['python']}; state folder on {fs}.", "",
            f"{args.beats} beats per agent at {args.interval} s, persist {persist} s (the defaults' ratio 60 s / 10 s); "
            f"medians of {args.rounds} rounds run side by side; whole run {elapsed:.0f} s.", ""] + md + [
            "", "```", *lines[len(t) + 2:], summary, *against_baseline(rows), "```", ""]
    return "\n".join(text)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"bench: agent footprint FAILED: {e}", file=sys.stderr)
        sys.exit(1)
