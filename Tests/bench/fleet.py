"""Fleet benchmark: 10,000 simulated devices beat a real collector every 10 s over HTTP; 1 % go silent past
the down deadline and come back, 0.5 % only briefly. Prints the collector's CPU and memory, the page and
device-list times for the whole fleet, the database growth per device and day, and the simulator's check
that every expected flip was recorded at the right beat (and no other).

The floor (issue 33): in each of --rounds interleaved rounds the same traffic (same plan and seed) is played
against the collector (a fresh copy of the seeded store, every flip checked) and then against
`downtime-bench floor-server` (decodes each beat with the collector's decoder, answers a fixed body), each
one's CPU measured the same way; the `bench:` line gives the median of the per-round ratios.

usage: fleet.py --bin RELEASE_BIN_DIR [--devices 10000] [--duration 300] [--rounds 3]
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import json
import urllib.parse

from benchlib import FloorServer, bench_tool, cpu_seconds, db_bytes, harness, load_text, median, status_kb, timed_get

GOAL_FLOOR = 1.15


def play(a, url, pid, data, tokens, play_s, check, at_start=None, perf_out=None):
    """Runs the simulator against `url` for `play_s` s; measures `pid`'s CPU (utime + stime) from the second
    round of beats to the end of the window, and its VmRSS every second. Returns the figures and a join."""
    sim_out = {}

    def simulate():
        try:
            sim_out["text"] = bench_tool(a.bin, "fleet", "--url", url, "--data-dir", data, "--tokens", tokens,
                                         "--duration", str(play_s), "--seed", str(a.seed), "--interval", str(a.interval),
                                         "--check", "yes" if check else "no", timeout=play_s + 300)
        except Exception as e:  # reported by the caller
            sim_out["error"] = str(e)
    sim = threading.Thread(target=simulate)
    sim.start()
    # CPU over the steady part: after the first full round of beats, to the end of the window.
    warm = max(min(30, a.duration // 4), a.interval + 5)
    time.sleep(1 + warm)
    perf = None
    if perf_out:  # a profile of the window (its CPU figure then includes perf's small share)
        perf = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-o", perf_out, "-p", str(pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    if at_start:
        at_start()
    rss_max = 0
    while time.monotonic() - t0 < a.duration - warm and sim.is_alive():
        time.sleep(1)
        rss_max = max(rss_max, status_kb(pid, "VmRSS"))
    cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
    if perf:
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=60)
    figures = {"cpu": cpu, "window": time.monotonic() - t0, "rss_max": rss_max, "t0": t0, "load": load_text()}

    def join():
        sim.join()
        if "error" in sim_out:
            raise RuntimeError(sim_out["error"])
        return sim_out["text"]
    return figures, join


def device_list_times(port, devices, rounds=5):
    """Median, min and max ms to read the whole device list (pages of at most 10,000, the API's limit, following
    `next`), and its size in bytes."""
    times, size = [], 0
    for _ in range(rounds):
        t, cursor, size = time.perf_counter(), None, 0
        while True:
            path = f"/api/v1/devices?limit={min(devices, 10_000)}"
            if cursor:
                path += "&cursor=" + urllib.parse.quote(cursor)
            status, _, body = harness.request(port, "GET", path, timeout=60)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
            size += len(body)
            cursor = json.loads(body).get("next")
            if not cursor:
                break
        times.append((time.perf_counter() - t) * 1000)
    return median(times), min(times), max(times), size


def first_round(a, data, tokens):
    """The collector's round as before issue 33: CPU, memory, page times, database growth, flips; prints it."""
    collector = harness.Collector(a.bin, data).start()
    try:
        pid = collector.proc.pid
        # The simulator beats for the CPU window, then 20 s more while the pages are timed.
        play_s = a.duration + 20
        base = {}

        def start_db():
            base["bytes"], base["rows"] = db_bytes(data)  # after every device's first flip
        f, join = play(a, f"http://127.0.0.1:{collector.port}", pid, data, tokens, play_s, True, start_db,
                       a.perf and a.perf + "-collector.data")
        page = timed_get(collector.port, "/", 5)
        api = device_list_times(collector.port, a.devices)
        text = join()
        end_bytes, end_rows = db_bytes(data)
        hwm = status_kb(pid, "VmHWM")
    finally:
        collector.stop()
    elapsed = time.monotonic() - f["t0"]
    added = {k: end_rows.get(k, 0) - base["rows"].get(k, 0) for k in end_rows}
    grown = end_bytes - base["bytes"]
    per_row = grown / max(1, sum(added.values()))
    per_day = grown / a.devices * 86_400 / elapsed
    cpu, rss_max = f["cpu"], f["rss_max"]
    print(f"fleet: collector CPU {cpu * 100:.1f} % of one core over {f['window']:.0f} s ({f['load']}); "
          f"RSS max {rss_max / 1024:.1f} MB (peak incl. page times {hwm / 1024:.1f} MB)")
    print(f"fleet: GET / {page[0]:.0f} ms (min {page[1]:.0f}, max {page[2]:.0f}, {page[3] // 1024} KiB); "
          f"GET /api/v1/devices (all {a.devices}, pages of 10,000) {api[0]:.0f} ms (min {api[1]:.0f}, max {api[2]:.0f}, {api[3] // 1024} KiB)")
    print(f"fleet: database +{grown} bytes in {elapsed:.0f} s after the first beats, log rows added {added} "
          f"(about {per_row:.0f} bytes a row; no row per heartbeat); {per_day:.0f} bytes per device per day at this "
          f"test's rate of outages (1 % of devices every {play_s} s)")
    if any(k != "flip" and v for k, v in added.items()):
        raise RuntimeError(f"heartbeats wrote log rows: {added}")
    ok = cpu < 0.10 and rss_max < 150 * 1024 and page[0] < 200 and api[0] < 200
    flips = re.search(r"flips (\d+) of (\d+)", text)
    print(f"bench: fleet {'met' if ok else 'MISSED'}: {a.devices} devices {play_s} s, flips {flips[1]}/{flips[2]} at their beat, "
          f"RSS {rss_max / 1024:.0f} MB (goal 150), page {page[0]:.0f} ms / API {api[0]:.0f} ms (goal 200), "
          f"{per_day:.0f} B/device/day; collector CPU {cpu * 100:.1f} % of a core (goal 10)", flush=True)
    return f


def collector_round(a, data, tokens, bin_dir=None):
    """A later round: the collector on a fresh copy of the seeded store, CPU only, every flip still checked."""
    collector = harness.Collector(bin_dir or a.bin, data).start()
    try:
        f, join = play(a, f"http://127.0.0.1:{collector.port}", collector.proc.pid, data, tokens, a.duration + 2, True)
        join()
    finally:
        collector.stop()
    return f


def floor_round(a, tokens, perf_out=None):
    """The same traffic against the floor server (no store, so no flips to check), its CPU measured alike."""
    floor = FloorServer(a.bin).start()
    try:
        f, join = play(a, f"http://127.0.0.1:{floor.port}", floor.proc.pid, "", tokens, a.duration + 2, False,
                       perf_out=perf_out)
        join()
    finally:
        floor.stop()
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--duration", type=int, default=300, help="seconds of beating (at least 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--interval", type=int, default=10,
                    help="heartbeat interval in s (50,000 devices at 50 s beat as often as 10,000 at 10 s)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds of collector and floor server (0: the collector once, no floor)")
    ap.add_argument("--perf", metavar="PREFIX",
                    help="perf record the first round's window: PREFIX-collector.data and PREFIX-floor.data")
    ap.add_argument("--baseline", metavar="BINDIR",
                    help="also play each round against the downtime-collector of BINDIR (before a change)")
    a = ap.parse_args()
    root = harness.temp_dir("fleet")
    seeded = os.path.join(root, "seeded")
    tokens = os.path.join(root, "tokens.txt")
    try:
        bench_tool(a.bin, "seed", "--data-dir", seeded, "--devices", str(a.devices), "--tokens", tokens)
        ratios, cpus, base = [], [], []
        for r in range(max(1, a.rounds)):
            data = os.path.join(root, f"round-{r + 1}")
            shutil.copytree(seeded, data)
            c = first_round(a, data, tokens) if r == 0 else collector_round(a, data, tokens)
            shutil.rmtree(data, ignore_errors=True)
            if a.rounds == 0:
                break
            fl = floor_round(a, tokens, a.perf and r == 0 and a.perf + "-floor.data")
            if a.baseline:
                shutil.copytree(seeded, data)
                b = collector_round(a, data, tokens, a.baseline)
                shutil.rmtree(data, ignore_errors=True)
                base.append(c["cpu"] / max(b["cpu"], 1e-9))
                print(f"fleet: round {r + 1}: baseline collector {b['cpu'] * 100:.1f} % ({b['load']}): "
                      f"collector / baseline {base[-1]:.2f} x", flush=True)
            ratios.append(c["cpu"] / max(fl["cpu"], 1e-9))
            cpus.append((c["cpu"], fl["cpu"]))
            print(f"fleet: round {r + 1}: collector {c['cpu'] * 100:.1f} % ({c['load']}), floor server "
                  f"{fl['cpu'] * 100:.1f} % ({fl['load']}) of a core: {ratios[-1]:.2f} x", flush=True)
        if ratios:
            state = "met" if median(ratios) <= GOAL_FLOOR else "MISSED"
            print(f"bench: fleet CPU floor {state}: {a.devices} devices every {a.interval} s, collector "
                  f"{median([c for c, _ in cpus]) * 100:.1f} % of a core, floor server "
                  f"{median([f for _, f in cpus]) * 100:.1f} %; {median(ratios):.2f} x the floor (goal {GOAL_FLOOR}), "
                  f"median of {len(ratios)} interleaved rounds ({', '.join(f'{x:.2f}' for x in ratios)}); {load_text()}")
        if base:
            print(f"fleet: collector / baseline CPU {median(base):.2f} x, median of {len(base)} interleaved rounds "
                  f"({', '.join(f'{x:.2f}' for x in base)})")
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
