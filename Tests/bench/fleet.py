"""Fleet benchmark: 10,000 simulated devices beat a real collector every 10 s over HTTP; 1 % go silent past
the down deadline and come back, 0.5 % only briefly. Prints the collector's CPU and memory, the page and
device-list times for the whole fleet, the database growth per device and day, and the simulator's check
that every expected flip was recorded at the right beat (and no other).

usage: fleet.py --bin RELEASE_BIN_DIR [--devices 10000] [--duration 300]
"""
import argparse
import os
import re
import shutil
import sys
import threading
import time

from benchlib import bench_tool, cpu_seconds, db_bytes, harness, status_kb, timed_get


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--duration", type=int, default=300, help="seconds of beating (at least 60)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    data = harness.temp_dir("fleet")
    tokens = os.path.join(data, "tokens.txt")
    collector = None
    try:
        bench_tool(a.bin, "seed", "--data-dir", data, "--devices", str(a.devices), "--tokens", tokens)
        collector = harness.Collector(a.bin, data).start()
        pid = collector.proc.pid
        # The simulator beats for the CPU window, then 20 s more while the pages are timed.
        play = a.duration + 20
        sim_out = {}

        def simulate():
            try:
                sim_out["text"] = bench_tool(a.bin, "fleet", "--url", f"http://127.0.0.1:{collector.port}", "--data-dir", data,
                                             "--tokens", tokens, "--duration", str(play), "--seed", str(a.seed),
                                             timeout=play + 300)
            except Exception as e:  # reported below
                sim_out["error"] = str(e)
        sim = threading.Thread(target=simulate)
        sim.start()
        # CPU over the steady part: after the first full round of beats, to the end of the window.
        warm = min(30, a.duration // 4)
        time.sleep(1 + warm)
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        base_bytes, base_rows = db_bytes(data)  # after every device's first flip
        rss_max = 0
        while time.monotonic() - t0 < a.duration - warm and sim.is_alive():
            time.sleep(1)
            rss_max = max(rss_max, status_kb(pid, "VmRSS"))
        cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
        window = time.monotonic() - t0
        page = timed_get(collector.port, "/", 5)
        api = timed_get(collector.port, f"/api/v1/devices?limit={a.devices}", 5)
        sim.join()
        end_bytes, end_rows = db_bytes(data)
        hwm = status_kb(pid, "VmHWM")
        if "error" in sim_out:
            raise RuntimeError(sim_out["error"])
        elapsed = time.monotonic() - t0
        added = {k: end_rows.get(k, 0) - base_rows.get(k, 0) for k in end_rows}
        grown = end_bytes - base_bytes
        per_row = grown / max(1, sum(added.values()))
        per_day = grown / a.devices * 86_400 / elapsed
        print(f"fleet: collector CPU {cpu * 100:.1f} % of one core over {window:.0f} s; RSS max {rss_max / 1024:.1f} MB "
              f"(peak incl. page times {hwm / 1024:.1f} MB)")
        print(f"fleet: GET / {page[0]:.0f} ms (min {page[1]:.0f}, max {page[2]:.0f}, {page[3] // 1024} KiB); "
              f"GET /api/v1/devices?limit={a.devices} {api[0]:.0f} ms (min {api[1]:.0f}, max {api[2]:.0f}, {api[3] // 1024} KiB)")
        print(f"fleet: database +{grown} bytes in {elapsed:.0f} s after the first beats, log rows added {added} "
              f"(about {per_row:.0f} bytes a row; no row per heartbeat); {per_day:.0f} bytes per device per day at this "
              f"test's rate of outages (1 % of devices every {play} s)")
        if any(k != "flip" and v for k, v in added.items()):
            raise RuntimeError(f"heartbeats wrote log rows: {added}")
        ok = cpu < 0.10 and rss_max < 150 * 1024 and page[0] < 200 and api[0] < 200
        flips = re.search(r"flips (\d+) of (\d+)", sim_out["text"])
        print(f"bench: fleet {'met' if ok else 'MISSED'}: {a.devices} devices {play} s, flips {flips[1]}/{flips[2]} at their beat, "
              f"RSS {rss_max / 1024:.0f} MB (goal 150), page {page[0]:.0f} ms / API {api[0]:.0f} ms (goal 200), "
              f"{per_day:.0f} B/device/day; collector CPU {cpu * 100:.1f} % of a core (goal 10)")
        return 0
    finally:
        if collector:
            collector.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
