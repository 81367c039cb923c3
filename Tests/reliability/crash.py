#!/usr/bin/env python3
"""kill -9 the collector at seeded random moments while simulated agents post heartbeats and events.

Each agent beats every 2 s (its declared interval) and posts a batch of 1-3 events (fresh ids) every ~150 ms
in between, retrying a batch that got no 2xx, as the real agent's outbox does. The collector is killed with SIGKILL `--kills` times, at random
moments, and restarted on the same data folder and port after a random pause (one pause, 6 s, is long
enough for the collector to record its own absence). Liveness is tight (interval 2 s, misses 1, grace 2 s):
a collector that judged devices by beats from before its own restart would mark them down.

Afterwards: every event that got a 2xx is in the store, no event is stored twice, `PRAGMA integrity_check`
was `ok` after every restart, no device was ever marked down, the long absence is recorded as
`collector_down`, no request got a 5xx or a 429 (the agents stay under the per-device rate limit).

usage: crash.py --bin DIR [--seed N] [--kills 20] [--agents 6]
"""
import argparse
import http.client
import json
import os
import random
import shutil
import sys
import threading
import time
import uuid

import harness

BOOT = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
INTERVAL = 2  # with misses 1 and grace 2 s, a device is down after 4 s without a beat
LONG_PAUSE = 6.0  # longer than that: beats from before it would mark every device down


class Agent(threading.Thread):
    def __init__(self, name, token, port, seed, stop):
        super().__init__(daemon=True)
        self.name, self.token, self.port = name, token, port
        self.rng = random.Random(seed)
        self.stop = stop
        self.acked = set()
        self.pending = None
        self.seq = 0
        self.sent = 0
        self.errors = 0  # no answer: refused, reset, timed out
        self.bad = []  # 5xx, 429 or other unexpected answers

    def post(self, path, body):
        self.sent += 1
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("POST", path, body=json.dumps(body),
                         headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                self.bad.append(f"{self.name} {path}: {r.status} {data[:200]!r}")
            return r.status, data
        except (OSError, http.client.HTTPException):
            self.errors += 1
            return None, None
        finally:
            conn.close()

    def run(self):
        next_beat = 0.0
        while not self.stop.is_set():
            # Beats on the declared interval and never retried, like the real agent; events in between.
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + INTERVAL + self.rng.uniform(0, 0.2)
                self.seq += 1
                self.post("/api/v1/heartbeat", {
                    "device": self.name, "seq": self.seq, "boot_id": BOOT, "uptime_s": 100.0 + self.seq,
                    "sent_at": harness.iso(time.time()), "clock_synced": True, "interval_s": INTERVAL,
                    "agent_version": "crash-test"})
            else:
                if self.pending is None:
                    self.pending = [self.event() for _ in range(self.rng.randint(1, 3))]
                status, data = self.post("/api/v1/events", {"events": self.pending})
                if status == 200:
                    # UUIDs compare without case: the collector answers them upper-cased.
                    accepted = {i.lower() for i in json.loads(data)["accepted"]}
                    ids = {e["id"].lower() for e in self.pending}
                    if accepted != ids:
                        self.bad.append(f"{self.name}: accepted {accepted} for {ids}")
                    self.acked |= ids
                    self.pending = None
            time.sleep(self.rng.uniform(0.1, 0.2))

    def event(self):
        at = harness.iso(time.time())
        kind = self.rng.choice(["clock_jump", "shutdown", "agent_started", "collector_unreachable"])
        e = {"id": str(uuid.uuid4()), "device": self.name, "kind": kind, "at": at, "boot_id": BOOT}
        if kind == "clock_jump":
            e["delta_s"] = self.rng.uniform(-3600, 3600)
        elif kind == "agent_started":
            e["agent_version"] = "crash-test"
        elif kind == "collector_unreachable":
            e["start"], e["end"] = harness.iso(time.time() - 5), at
        return e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--agents", type=int, default=6)
    a = ap.parse_args()
    print(f"crash seed {a.seed} (replay: crash.py --seed {a.seed} --kills {a.kills} --agents {a.agents})", flush=True)
    rng = random.Random(a.seed)
    data = harness.temp_dir("crash")
    db = os.path.join(data, "downtime.sqlite")
    env = {"DOWNTIME_MISSES": "1", "DOWNTIME_GRACE": "2"}
    col = harness.Collector(a.bin, data, env=env)
    failures = []
    stop = threading.Event()
    agents = []
    started = time.monotonic()
    try:
        tokens = {f"agent-{i}": harness.add_device(a.bin, data, f"agent-{i}") for i in range(a.agents)}
        col.start()
        agents = [Agent(n, t, col.port, a.seed * 100 + i, stop) for i, (n, t) in enumerate(tokens.items())]
        for ag in agents:
            ag.start()
        long_pause_at = rng.randrange(a.kills)
        kills = 0
        for k in range(a.kills):
            # The collector serves for a while (before the long pause, long enough to have flushed beats) ...
            time.sleep(3.0 if k == long_pause_at else rng.uniform(0.3, 2.5))
            col.kill9()  # ... and dies mid-work
            kills += 1
            time.sleep(LONG_PAUSE if k == long_pause_at else rng.uniform(0.0, 0.8))
            col.start()
            check = harness.sqlite_rows(db, "PRAGMA integrity_check")
            if check != [("ok",)]:
                failures.append(f"integrity_check after kill {kills}: {check}")
        time.sleep(INTERVAL + 1)  # every agent beats once more
        stop.set()
        for ag in agents:
            ag.join(10)
        # Retry what is still pending, as the outbox would.
        for ag in agents:
            if ag.pending:
                status, _ = ag.post("/api/v1/events", {"events": ag.pending})
                if status == 200:
                    ag.acked |= {e["id"].lower() for e in ag.pending}
        if col.stop() != 0:
            failures.append("the collector did not stop cleanly at the end")
        elapsed = time.monotonic() - started

        stored = harness.sqlite_rows(db, "SELECT id, kind, body FROM event")
        ids = [r[0].lower() for r in stored]
        acked = set().union(*(ag.acked for ag in agents))
        lost = acked - set(ids)
        dupes = len(ids) - len(set(ids))
        downs = [r[2] for r in stored if r[1] == "flip" and json.loads(r[2]).get("to") == "down"]
        collector_down = sum(1 for r in stored if r[1] == "collector_down")
        statuses = harness.device_list(a.bin, data)
        sent = sum(ag.sent for ag in agents)
        no_answer = sum(ag.errors for ag in agents)
        bad = [b for ag in agents for b in ag.bad]
        integrity = harness.sqlite_rows(db, "PRAGMA integrity_check")
        print(f"{kills} kills in {elapsed:.1f} s; {a.agents} agents sent {sent} requests ({no_answer} without an "
              f"answer while the collector was down or dying); {len(acked)} events acknowledged, {len(lost)} lost, "
              f"{dupes} stored twice; {len(downs)} down flips; {collector_down} collector_down records; "
              f"integrity_check {integrity[0][0]}")
        if kills < a.kills:
            failures.append(f"only {kills} kills")
        if lost:
            failures.append(f"{len(lost)} acknowledged events missing, e.g. {sorted(lost)[:3]}")
        if dupes:
            failures.append(f"{dupes} events stored twice")
        if downs:
            failures.append(f"devices marked down: {downs[:3]}")
        if collector_down < a.agents:
            failures.append(f"the long absence was not recorded for every device ({collector_down} records)")
        if bad:
            failures.append(f"{len(bad)} unexpected answers, e.g. {bad[:3]}")
        if integrity != [("ok",)]:
            failures.append(f"integrity_check {integrity}")
        if any("\tdown" in s or "\tnew" in s for s in statuses):
            failures.append(f"device statuses at the end: {statuses}")
        if len(acked) < 10 * a.kills:
            failures.append(f"too little load: {len(acked)} events acknowledged")
    finally:
        stop.set()
        col.kill9()
        shutil.rmtree(data, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print(f"crash: {'OK' if not failures else f'{len(failures)} failures'} (seed {a.seed})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
