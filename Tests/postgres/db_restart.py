#!/usr/bin/env python3
"""The database goes away and comes back (issue #35): real agents and a client keep sending while the
collector's PostgreSQL is stopped (pg_ctl -m fast) for 15 s, then killed (SIGKILL to the postmaster and its
backends: a host that died) for 90 s, each time started again on the same data.

Checked, for each outage: every event POST is answered within 3 s, 503 with Retry-After while the database is
away (never 500, never a hang); /healthz answers 503 with a reason during it and 200 after; the collector logs
one "store failing" line and one "store recovered" line, and takes the lead back (an advisory lock in pg_locks,
a log line) within a few seconds of the database's return; an agent killed after the recovery is called down
at its deadline. Over the run: no acknowledged event lost, no false flip (the steady agents have only
new -> up), no `collector_unreachable` recorded by an agent that was answered all along, SIGTERM exits in 5 s.

usage: db_restart.py --bin DIR [--short]   (under Tests/postgres/with-postgres.sh, which sets
DOWNTIME_TEST_POSTGRES_URL and DOWNTIME_TEST_POSTGRES_CTL)
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
import harness  # noqa: E402

INTERVAL = 2  # misses 2, grace 2: a silent agent is down 6 s after its last beat
DEADLINE = 6
ANSWER_WITHIN = 3.0


def psql(pg_bin, url, sql):
    r = subprocess.run([os.path.join(pg_bin, "psql"), "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"psql {sql}: {r.stderr}")
    return [line for line in r.stdout.splitlines() if line]


class Client(threading.Thread):
    """Posts event batches with fresh ids, retrying a batch until a 2xx, as the agent's outbox does."""

    def __init__(self, port, token, stop):
        super().__init__(daemon=True)
        self.port, self.token, self.stop = port, token, stop
        self.acked = set()
        self.answers = []  # (monotonic start, seconds taken, status or None, retry-after)
        self.pending = None

    def run(self):
        while not self.stop.is_set():
            if self.pending is None:
                self.pending = [{"id": str(uuid.uuid4()), "device": "client", "kind": "clock_jump",
                                 "at": harness.iso(time.time()), "boot_id": "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
                                 "delta_s": 3.0}]
            t = time.monotonic()
            try:
                status, headers, data = harness.request(self.port, "POST", "/api/v1/events",
                                                        body={"events": self.pending}, token=self.token, timeout=30)
            except OSError:
                status, headers, data = None, {}, b""
            self.answers.append((t, time.monotonic() - t, status, headers.get("retry-after")))
            if status == 200:
                self.acked.update(json.loads(data)["accepted"])
                self.pending = None
            self.stop.wait(0.3)


class HealthWatch(threading.Thread):
    def __init__(self, port, stop):
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.seen = []  # (monotonic, status, body)

    def run(self):
        while not self.stop.is_set():
            try:
                status, _, body = harness.request(self.port, "GET", "/healthz", timeout=5)
            except OSError:
                status, body = None, b""
            self.seen.append((time.monotonic(), status, body))
            self.stop.wait(0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--short", action="store_true", help="one 15 s outage only")
    args = ap.parse_args()
    base = os.environ.get("DOWNTIME_TEST_POSTGRES_URL")
    ctl = os.environ.get("DOWNTIME_TEST_POSTGRES_CTL")
    pg_bin = os.environ.get("DOWNTIME_TEST_POSTGRES_BIN", "/usr/bin")
    if not base or not ctl:
        print("FAIL: run under Tests/postgres/with-postgres.sh (DOWNTIME_TEST_POSTGRES_URL and _CTL)")
        return 1
    url = harness.postgres_database("restart")
    outages = [("stop", 15)] if args.short else [("stop", 15), ("kill", 90)]

    tmp = harness.temp_dir("dbrestart")
    env = {"DOWNTIME_DATABASE": url, "DOWNTIME_MISSES": "2", "DOWNTIME_GRACE": "2"}
    collector = harness.Collector(args.bin, os.path.join(tmp, "collector"), env=env)
    collector.env["LOG_LEVEL"] = "notice"
    stop = threading.Event()
    failures = []
    agents = {}
    steady = ["steady-1", "steady-2"]
    victims = [f"victim-{i}" for i in range(len(outages))]
    try:
        tokens = {n: harness.cli(args.bin, "device", "add", n, "--database", url).strip().splitlines()[-1]
                  for n in steady + victims + ["client"]}
        collector.start()
        curl = f"http://127.0.0.1:{collector.port}"
        for name in steady + victims:
            agents[name] = subprocess.Popen(
                harness.DIE_WITH_PARENT + [os.path.join(args.bin, "downtime-agent"), "--collector", curl, "--device", name,
                                           "--token", tokens[name], "--state-dir", os.path.join(tmp, name),
                                           "--interval", str(INTERVAL)],
                stdout=open(os.path.join(tmp, name + ".log"), "w"), stderr=subprocess.STDOUT)

        def status(name):
            s, _, body = harness.request(collector.port, "GET", f"/api/v1/devices/{name}", timeout=10)
            return json.loads(body)["status"] if s == 200 else f"HTTP {s}"

        until = time.monotonic() + 30
        while any(status(n) != "up" for n in agents):
            if time.monotonic() > until:
                raise RuntimeError("the agents did not come up within 30 s")
            time.sleep(0.5)
        client = Client(collector.port, tokens["client"], stop)
        health = HealthWatch(collector.port, stop)
        client.start()
        health.start()
        time.sleep(3)

        for round_no, (mode, seconds) in enumerate(outages):
            label = f"{mode} {seconds} s"
            log_mark = len(collector.output)
            t0 = time.monotonic()
            subprocess.run([ctl, mode], check=True, timeout=90)
            time.sleep(6)
            # The overview still answers from memory with the store's banner; /metrics says the store is down.
            try:
                s, _, page = harness.request(collector.port, "GET", "/", timeout=5)
                if s != 200 or b"Collector store failing" not in page:
                    failures.append(f"{label}: the overview answered {s} without the store banner")
                s, _, metrics = harness.request(collector.port, "GET", "/metrics", timeout=5)
                if s != 200 or b"\ndowntime_store_up 0\n" not in metrics:
                    failures.append(f"{label}: /metrics answered {s} without downtime_store_up 0")
            except OSError as e:
                failures.append(f"{label}: the overview or /metrics got no answer: {e}")
            time.sleep(max(0, t0 + seconds - time.monotonic()))
            subprocess.run([ctl, "start"], check=True, timeout=90)
            t1 = time.monotonic()
            print(f"db_restart: {label}: database back", flush=True)
            # The lead and health come back within a few seconds of the database.
            lock_at = ok_at = None
            while time.monotonic() < t1 + 15 and (lock_at is None or ok_at is None):
                if lock_at is None:
                    try:
                        if psql(pg_bin, url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") != ["0"]:
                            lock_at = time.monotonic() - t1
                    except RuntimeError:
                        pass
                if ok_at is None and any(t > t1 and s == 200 for t, s, _ in health.seen[-3:]):
                    ok_at = time.monotonic() - t1
                time.sleep(0.25)
            print(f"db_restart: {label}: lead back after {lock_at} s, /healthz ok after {ok_at} s", flush=True)
            if lock_at is None or lock_at > 5:
                failures.append(f"{label}: the leader lock was not taken back within 5 s ({lock_at})")
            if ok_at is None or ok_at > 8:
                failures.append(f"{label}: /healthz not ok within 8 s of the database's return ({ok_at})")
            during = [(t, d, s, r) for t, d, s, r in client.answers if t0 + 2 < t < t1 - ANSWER_WITHIN]
            if not any(s == 503 and r for _, _, s, r in during):
                failures.append(f"{label}: no 503 with Retry-After during the outage ({len(during)} answers)")
            slow = [round(d, 1) for t, d, s, r in client.answers if t0 < t and d > ANSWER_WITHIN]
            if slow:
                failures.append(f"{label}: {len(slow)} event POSTs took longer than {ANSWER_WITHIN} s: {slow[:5]}")
            odd = sorted({s for t, _, s, _ in client.answers if t0 < t and s not in (200, 503)}, key=str)
            if odd:
                failures.append(f"{label}: event POSTs answered {odd} (only 200 or 503 expected)")
            bad_health = [(s, b[:120]) for t, s, b in health.seen if t0 + 3 < t < t1]
            if not any(s == 503 and b"store" in b for s, b in bad_health):
                failures.append(f"{label}: /healthz never said 503 (store) during the outage: {bad_health[:3]}")
            log = "".join(collector.output[log_mark:])
            for phrase in ("store failing", "store recovered"):
                if log.count(phrase) != 1:
                    failures.append(f"{label}: {log.count(phrase)} '{phrase}' log lines (one expected)")
            # An agent killed now goes down at its deadline.
            time.sleep(2)
            victim = victims[round_no]
            agents[victim].send_signal(signal.SIGKILL)
            killed = time.monotonic()
            while status(victim) != "down" and time.monotonic() < killed + 30:
                time.sleep(0.25)
            took = time.monotonic() - killed
            print(f"db_restart: {label}: {victim} killed, down after {took:.1f} s", flush=True)
            if took > DEADLINE + 3:
                failures.append(f"{label}: a device killed after the recovery went down after {took:.1f} s "
                                f"(deadline {DEADLINE} s)")
            if "lost the lead" not in log or "now leads" not in log:
                failures.append(f"{label}: no log line for losing and for taking the lead")

        time.sleep(3)
        stop.set()
        client.join(35)
        collector.proc.send_signal(signal.SIGTERM)
        t = time.monotonic()
        try:
            collector.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        took = time.monotonic() - t
        print(f"db_restart: SIGTERM: exited after {took:.1f} s", flush=True)
        if collector.alive() or took > 5:
            failures.append(f"SIGTERM: the collector did not exit within 5 s ({took:.1f} s)")
        collector.kill9()

        stored = set(psql(pg_bin, url, "SELECT id FROM event WHERE device = 'client'"))
        lost = client.acked - stored
        print(f"db_restart: {len(client.acked)} events acknowledged, {len(client.acked & stored)} stored", flush=True)
        if lost:
            failures.append(f"{len(lost)} acknowledged events lost")
        flips = psql(pg_bin, url, "SELECT device || ' ' || flip_from || '>' || flip_to FROM event WHERE kind = 'flip' "
                                  "ORDER BY seq")
        for name in steady:
            mine = [f for f in flips if f.startswith(name + " ")]
            if mine != [f"{name} new>up"]:
                failures.append(f"{name}: flips {mine}, only new>up expected (a false flip)")
        unreachable = psql(pg_bin, url, "SELECT device FROM event WHERE kind = 'collector_unreachable'")
        if unreachable:
            failures.append(f"collector_unreachable recorded by {sorted(set(unreachable))} though answered all along")
    except Exception as e:  # noqa: BLE001 - any error is a failure of the test, reported as one
        failures.append(f"error: {e}")
    finally:
        stop.set()
        for p in agents.values():
            if p.poll() is None:
                p.kill()
        collector.kill9()
    for f in failures:
        print("FAIL:", f)
    if failures:
        print("".join(collector.output[-60:]))
        print(f"collector and agent logs in {tmp}")
    print(f"db restart: {'ok' if not failures else 'FAILED'} ({len(outages)} outages)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
