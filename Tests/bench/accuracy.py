"""Outage accuracy: simulated power cuts of known length, from seconds to days.

The collector and the agents run under Debian's libfaketime with one shared offset file (monotonic clocks
left real), so a three-day cut takes seconds: the agents are killed (SIGKILL, the power goes), the offset
jumps by the cut's length, and each device boots again with a new boot id and an uptime file saying how
long ago it booted. The truth is then known exactly: the outage began at the kill and ended at the boot.
Reported are the errors of the agent's own `outage` event (its start is the last persisted alive time:
goal within the persist interval + 2 s) and of the collector's merged outage (start refined by the last
heartbeat, since the collector was reachable until the cut: goal within the heartbeat interval).

Configured through the environment only: libfaketime hides a Swift program's arguments.

usage: accuracy.py --bin RELEASE_BIN_DIR [--per-length 4]
"""
import argparse
import datetime
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid

from benchlib import bench_tool, harness

LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
LENGTHS = [("20 s", 20), ("10 min", 600), ("1 h", 3600), ("1 day", 86_400), ("3 days", 3 * 86_400)]


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


class FakeClock:
    """The shared libfaketime offset: every faked process sees real time + offset."""

    def __init__(self, path):
        self.path, self.offset = path, 0
        self.set(0)

    def set(self, offset):
        self.offset = offset
        with open(self.path + ".tmp", "w") as f:
            f.write(f"+{offset}\n")
        os.replace(self.path + ".tmp", self.path)

    def now(self):
        return time.time() + self.offset

    def env(self):
        return {"LD_PRELOAD": LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE": self.path, "FAKETIME_NO_CACHE": "1",
                "FAKETIME_DONT_FAKE_MONOTONIC": "1"}


class Device:
    """A simulated Pi: its boot facts are files the agent reads instead of /proc."""

    def __init__(self, root, name, token, clock, url, interval, persist):
        self.name, self.clock, self.dir = name, clock, os.path.join(root, name)
        os.makedirs(os.path.join(self.dir, "state"))
        self.boot_id, self.uptime, self.sync = (os.path.join(self.dir, f) for f in ("boot_id", "uptime", "synchronized"))
        open(self.sync, "w").close()
        self.env = dict(clock.env(), DOWNTIME_COLLECTOR_URL=url, DOWNTIME_DEVICE=name, DOWNTIME_TOKEN=token,
                        DOWNTIME_STATE_DIR=os.path.join(self.dir, "state"), DOWNTIME_INTERVAL=str(interval),
                        DOWNTIME_PERSIST_INTERVAL=str(persist), DOWNTIME_BOOT_ID_FILE=self.boot_id,
                        DOWNTIME_UPTIME_FILE=self.uptime, DOWNTIME_TIME_SYNC_FILE=self.sync, PATH="/usr/bin:/bin")
        self.proc = None

    def boot(self, uptime):
        """A new boot `uptime` seconds ago (fake time); returns the boot moment."""
        with open(self.boot_id, "w") as f:
            f.write(str(uuid.uuid4()) + "\n")
        # The agent adds the time since the file was written; libfaketime shifts its mtime like the clock.
        with open(self.uptime, "w") as f:
            f.write(f"{uptime:.3f} 0.00\n")
        return os.stat(self.uptime).st_mtime + self.clock.offset - uptime

    def start(self, exe):
        self.proc = subprocess.Popen(harness.DIE_WITH_PARENT + [exe], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--per-length", type=int, default=4)
    ap.add_argument("--interval", type=int, default=2)
    ap.add_argument("--persist", type=int, default=12)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    if not os.path.exists(LIBFAKETIME):
        print("accuracy: libfaketime is missing (apt-get install faketime)")
        return 1
    rng = random.Random(a.seed)
    root = harness.temp_dir("accuracy")
    count = a.per_length * len(LENGTHS)
    tokens_file = os.path.join(root, "tokens.txt")
    clock = FakeClock(os.path.join(root, "faketime"))
    exe = os.path.join(os.path.abspath(a.bin), "downtime-agent")
    collector, devices = None, []
    rows = []
    try:
        bench_tool(a.bin, "seed", "--data-dir", os.path.join(root, "data"), "--devices", str(count), "--tokens", tokens_file)
        tokens = open(tokens_file).read().split()
        port = harness.free_port()
        collector = harness.Collector(a.bin, os.path.join(root, "data"), port=port, env=dict(
            clock.env(), DOWNTIME_HOST="127.0.0.1", DOWNTIME_PORT=str(port), DOWNTIME_DATA_DIR=os.path.join(root, "data"))).start()
        url = f"http://127.0.0.1:{port}"

        def view(name):
            return json.loads(harness.request(port, "GET", f"/api/v1/devices/{name}")[2])

        def agent_outage(name):
            body = json.loads(harness.request(port, "GET", f"/api/v1/devices/{name}/events?limit=1000")[2])
            return [e for e in body["events"] if e["kind"] == "outage"]

        def wait(what, pred, limit=40):
            until = time.monotonic() + limit
            while not pred():
                if time.monotonic() > until:
                    raise RuntimeError(f"timed out waiting for {what}")
                time.sleep(0.2)

        for n, (label, length) in enumerate(LENGTHS):
            group = []
            for k in range(a.per_length):
                i = n * a.per_length + k
                d = Device(root, f"device-{i:05d}", tokens[i], clock, url, a.interval, a.persist)
                d.boot(3600)
                d.start(exe)
                group.append(d)
                devices.append(d)
            wait("the agents up", lambda: all(view(d.name)["status"] == "up" for d in group))
            # Each cut lands at its own moment of the persist cycle.
            time.sleep(a.persist)
            cuts = {}
            for d in sorted(group, key=lambda _: rng.random()):
                time.sleep(rng.uniform(0, a.persist / a.per_length))
                d.stop(signal.SIGKILL)
                cuts[d.name] = clock.now()
            clock.set(clock.offset + length)
            # The collector lived through the cut too: it marks them down before they come back.
            wait("the devices down", lambda: all(view(d.name)["status"] == "down" for d in group))
            boots = {}
            for d in group:
                boots[d.name] = d.boot(uptime=min(length / 2, rng.uniform(5, 60)))
                d.start(exe)
            wait("the outage reports", lambda: all(agent_outage(d.name) and view(d.name)["status"] == "up"
                                                    and view(d.name)["last_outage"] for d in group))
            for d in group:
                true_start, true_end = cuts[d.name], boots[d.name]
                o = agent_outage(d.name)[-1]
                m = view(d.name)["last_outage"]
                rows.append(dict(label=label, length=true_end - true_start, cause=o["cause"], merged_cause=m["cause"],
                                 source=m["source"],
                                 a_start=parse_time(o["start"]) - true_start, a_end=parse_time(o["end"]) - true_end,
                                 a_len=o["duration_s"] - (true_end - true_start),
                                 m_start=parse_time(m["start"]) - true_start, m_end=parse_time(m["end"]) - true_end,
                                 m_len=m["duration_s"] - (true_end - true_start)))
            for d in group:
                d.stop()  # cleanly, before the next jump of the clock
        print(f"accuracy: {len(rows)} power cuts, heartbeat {a.interval} s, persist {a.persist} s; error = reported - true (s)")
        print(f"{'cut':>7} {'cause':>10} {'agent start':>12} {'end':>7} {'length':>7} {'merged start':>13} {'end':>7} {'length':>7}")
        for r in rows:
            print(f"{r['label']:>7} {r['cause']:>10} {r['a_start']:12.2f} {r['a_end']:7.2f} {r['a_len']:7.2f} "
                  f"{r['m_start']:13.2f} {r['m_end']:7.2f} {r['m_len']:7.2f}  ({r['merged_cause']}, {r['source']})")
        worst_agent = max(max(abs(r["a_start"]), abs(r["a_end"]), abs(r["a_len"])) for r in rows)
        worst_merged = max(max(abs(r["m_start"]), abs(r["m_end"]), abs(r["m_len"])) for r in rows)
        causes_ok = all(r["cause"] == "power_loss" and r["merged_cause"] == "power_loss" and r["source"] == "merged" for r in rows)
        ok = causes_ok and worst_agent <= a.persist + 2 and worst_merged <= a.interval
        print(f"bench: accuracy {'met' if ok else 'MISSED'}: {len(rows)} power cuts 20 s to 3 days, causes {'right' if causes_ok else 'WRONG'}; "
              f"agent's own report max error {worst_agent:.2f} s (goal persist {a.persist} + 2 s), "
              f"merged with the last beat {worst_merged:.2f} s (goal interval {a.interval} s)")
        return 0 if causes_ok else 1
    finally:
        for d in devices:
            d.stop(signal.SIGKILL)
        if collector:
            collector.kill9()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
