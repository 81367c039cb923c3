"""Detection latency: real agents beat a real collector; each is killed (SIGKILL: no goodbye) at its own
moment, and the device list is polled every 20 ms. Latency = the moment the API first says `down` minus
the collector's receipt of the agent's last beat (`last_seen`); it is compared with the configured
deadline, misses x interval + grace.

usage: detection.py --bin RELEASE_BIN_DIR [--agents 60] [--interval 2]
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

from benchlib import bench_tool, harness, median, pct


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--agents", type=int, default=60)
    ap.add_argument("--interval", type=int, default=2)
    ap.add_argument("--misses", type=int, default=3)
    ap.add_argument("--grace", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    deadline = a.misses * a.interval + a.grace
    rng = random.Random(a.seed)
    data = harness.temp_dir("detect")
    tokens_file = os.path.join(data, "tokens.txt")
    agents, collector = [], None
    try:
        bench_tool(a.bin, "seed", "--data-dir", data, "--devices", str(a.agents), "--tokens", tokens_file)
        tokens = open(tokens_file).read().split()
        collector = harness.Collector(a.bin, data, env={"DOWNTIME_MISSES": str(a.misses), "DOWNTIME_GRACE": str(a.grace)}).start()
        url = f"http://127.0.0.1:{collector.port}"
        for i, token in enumerate(tokens):
            state = os.path.join(data, f"agent-{i}")
            agents.append(subprocess.Popen(
                harness.DIE_WITH_PARENT + [os.path.join(a.bin, "downtime-agent"), "--collector", url, "--device", f"device-{i:05d}",
                                           "--token", token, "--state-dir", state, "--interval", str(a.interval)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

        def devices():
            status, _, body = harness.request(collector.port, "GET", f"/api/v1/devices?limit={a.agents}")
            if status != 200:
                raise RuntimeError(f"device list: {status}")
            return {d["name"]: d for d in json.loads(body)["devices"]}

        until = time.monotonic() + 30
        while any(d["status"] != "up" for d in devices().values()):
            if time.monotonic() > until:
                raise RuntimeError("not every agent came up within 30 s")
            time.sleep(0.2)
        # Kills spread over two intervals, in a seeded order: every phase of the beat is hit.
        order = list(range(a.agents))
        rng.shuffle(order)
        kill_at = {i: time.monotonic() + 1 + n * (2 * a.interval / a.agents) for n, i in enumerate(order)}
        seen_down, alive = {}, set(order)
        end = time.monotonic() + 3 + 2 * a.interval + deadline + 5
        while time.monotonic() < end and len(seen_down) < a.agents:
            now = time.monotonic()
            for i in list(alive):
                if now >= kill_at[i]:
                    agents[i].send_signal(signal.SIGKILL)
                    alive.discard(i)
            wall = time.time()
            for name, d in devices().items():
                if d["status"] == "down" and name not in seen_down:
                    seen_down[name] = wall - parse_time(d["last_seen"])
            time.sleep(0.02)
        missing = a.agents - len(seen_down)
        excess = [v - deadline for v in seen_down.values()]
        print(f"detection: {len(seen_down)} of {a.agents} kills seen down; deadline {deadline} s "
              f"({a.misses} x {a.interval} s + {a.grace} s); latency past the deadline: "
              f"min {min(excess):.3f} s, p50 {median(excess):.3f} s, p99 {pct(excess, 0.99):.3f} s, max {max(excess):.3f} s")
        ok = missing == 0 and min(excess) >= 0 and pct(excess, 0.99) <= 1.0
        print(f"bench: detection {'met' if ok else 'MISSED'}: {len(seen_down)} trials, none early, max {max(excess):.2f} s; "
              f"p99 {pct(excess, 0.99):.2f} s past the {deadline} s deadline (goal 1 s)")
        return 0 if missing == 0 else 1
    finally:
        for p in agents:
            if p.poll() is None:
                p.kill()
            p.wait()
        if collector:
            collector.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
