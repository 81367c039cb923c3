"""Cold start: the collector on a database of 10,000 devices and a year of history (two power cuts per
device and month: flips, outage reports, agent starts, and a row of daily availability per device and day).
Measured from exec to the first 200 of /healthz (ready to take beats), and to the first overview page,
which loads the month of outages; median of several starts.

usage: coldstart.py --bin RELEASE_BIN_DIR [--devices 10000] [--days 365] [--rounds 5]
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

from benchlib import bench_tool, db_bytes, harness, median


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    # Seeding a year takes minutes: the seeded folder is kept under .build and copied for each run.
    cache = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".build", "bench-cache",
                         f"coldstart-v1-{a.devices}-{a.days}")
    if not os.path.exists(os.path.join(cache, "done")):
        shutil.rmtree(cache, ignore_errors=True)
        os.makedirs(cache)
        bench_tool(a.bin, "seed", "--data-dir", cache, "--devices", str(a.devices), "--tokens", os.path.join(cache, "tokens.txt"),
                   "--history-days", str(a.days), timeout=1800)
        open(os.path.join(cache, "done"), "w").close()
    data = harness.temp_dir("coldstart")
    try:
        shutil.copytree(cache, data, dirs_exist_ok=True)
        harness.cli(a.bin, "device", "list", "--data-dir", data)  # migrations of this build run before the timing
        size = os.path.getsize(os.path.join(data, "downtime.sqlite"))
        rows = sum(db_bytes(data)[1].values())
        ready, page = [], []
        exe = os.path.join(a.bin, "downtime-collector")
        for _ in range(a.rounds):
            port = harness.free_port()
            t0 = time.perf_counter()
            proc = subprocess.Popen(harness.DIE_WITH_PARENT + [exe, "serve", "--host", "127.0.0.1", "--port", str(port),
                                                               "--data-dir", data],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, LOG_LEVEL="warning"))
            try:
                while True:
                    try:
                        if harness.request(port, "GET", "/healthz", timeout=5)[0] == 200:
                            break
                    except OSError:
                        pass
                    if proc.poll() is not None or time.perf_counter() - t0 > 60:
                        raise RuntimeError("collector did not come up")
                    time.sleep(0.005)
                ready.append(time.perf_counter() - t0)
                status = harness.request(port, "GET", "/", timeout=60)[0]
                if status != 200:
                    raise RuntimeError(f"overview: {status}")
                page.append(time.perf_counter() - t0)
            finally:
                proc.terminate()
                proc.wait()
        print(f"coldstart: {a.devices} devices, {a.days} days, {rows} log rows, {size / 1e6:.0f} MB; "
              f"ready {', '.join(f'{r:.2f}' for r in ready)} s; first page {', '.join(f'{p:.2f}' for p in page)} s")
        ok = median(ready) < 2
        print(f"bench: cold start {'met' if ok else 'MISSED'}: {a.devices} devices, {rows} log rows, first page at {median(page):.2f} s; "
              f"ready in {median(ready):.2f} s (goal 2)")
        return 0
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
