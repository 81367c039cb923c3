"""Overview at 10,000 devices (issue 19): 10,000 seeded devices, the fleet simulator beating 9,900 of them (the
other 100, 1 %, silent and so down), against the release collector. Measures:
- `GET /`: size and time (median of 5) while the fleet beats, and that every down device is on it;
- flip to DOM: a flip made with a device's ping shown in an open headless Chromium page (selenium), 10 flips;
- ingest p99 with 100 open event streams against none (wrk, 3 interleaved rounds each, after the simulator);
- a quiet collector with one open page for 60 s: bytes the collector sent it (`ss` bytes_sent, every connection
  from the collector's port) and the collector's CPU with the page open against without.

usage: overview.py --bin RELEASE_BIN_DIR [--devices 10000]
"""
import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
from benchlib import cpu_seconds, harness, timed_get  # noqa: E402
import ingest  # noqa: E402
import live_page  # noqa: E402


def sent_bytes(port):
    """Bytes the collector sent so far on each open connection (ss bytes_sent), by the peer's address."""
    out = subprocess.run(["ss", "-tinH", "state", "established", f"( sport = :{port} )"], capture_output=True,
                         text=True, timeout=10).stdout
    conns, peer = {}, None
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and ":" in parts[-1] and not line.startswith((" ", "\t")):
            peer = parts[-1]
        m = re.search(r"bytes_sent:(\d+)", line)
        if m and peer:
            conns[peer] = int(m.group(1))
    return conns


class Stream(threading.Thread):
    """One open `GET /api/v1/stream`, read until stopped; counts bytes."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=1)
        self.sock.sendall(b"GET /api/v1/stream HTTP/1.1\r\nHost: bench\r\n\r\n")
        self.bytes = 0
        self.stop = False

    def run(self):
        while not self.stop:
            try:
                b = self.sock.recv(65536)
                if not b:
                    return
                self.bytes += len(b)
            except socket.timeout:
                continue
            except OSError:
                return

    def close(self):
        self.stop = True
        self.sock.close()


def wrk_round(url, tokens):
    a = SimpleNamespace(threads=2, connections=64)
    return ingest.run_wrk(a, url, "heartbeat", tokens, 10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--devices", type=int, default=10_000)
    ap.add_argument("--play", type=int, default=120, help="seconds the simulator beats")
    ap.add_argument("--quiet-only", action="store_true", help="only the quiet page (bytes and CPU)")
    a = ap.parse_args()
    n = a.devices
    silent = n // 100
    data = harness.temp_dir("overview")
    profile = tempfile.mkdtemp(prefix="dtm-chromium-")
    tokens_all = os.path.join(data, "tokens.txt")
    tokens_beating = os.path.join(data, "tokens-beating.txt")
    col = sim = driver = None
    try:
        subprocess.run(harness.DIE_WITH_PARENT + [os.path.join(a.bin, "downtime-bench"), "seed", "--data-dir", data, "--devices",
                                                  str(n), "--tokens", tokens_all, "--first-beat", "yes"], check=True, timeout=900)
        tokens = open(tokens_all).read().split()
        with open(tokens_beating, "w") as f:
            f.write("\n".join(tokens[: n - silent]) + "\n")
        col = harness.Collector(a.bin, data).start()
        port, url = col.port, f"http://127.0.0.1:{col.port}"
        if not a.quiet_only:
            sim = subprocess.Popen(harness.DIE_WITH_PARENT + [os.path.join(a.bin, "downtime-bench"), "fleet", "--url", url, "--data-dir", data,
                                                              "--tokens", tokens_beating, "--duration", str(a.play)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            # The silent 1 % are down 35 s (3 × 10 s + 5 s) after the collector's start.
            time.sleep(45)
            import json
            summary = json.loads(harness.request(port, "GET", "/api/v1/summary")[2])
            print(f"overview: summary {summary['status']}, attention {summary['attention']}", flush=True)
            page_ms, page_min, page_max, page_bytes = timed_get(port, "/", 5)
            body = harness.request(port, "GET", "/", timeout=60)[2].decode()
            silent_names = [f"device-{i:05d}" for i in range(n - silent, n)]
            missing = [x for x in silent_names if f'data-name="{x}"' not in body]
            print(f"overview: GET / median {page_ms:.1f} ms (min {page_min:.1f}, max {page_max:.1f}), {page_bytes} bytes; "
                  f"{silent - len(missing)} of the {silent} silent devices on it", flush=True)

            driver = live_page.browser(1280, 900, os.path.join(profile, "fleet"))
            driver.get(url + "/")
            live_page.wait(driver, "return document.body.dataset.live === '1'", 15)
            driver.execute_script(live_page.WATCH)
            lat = []
            for k in range(5):
                i = n - silent + k
                for to in ["up", "down"]:
                    ms = live_page.flip_latency(driver, port, tokens[i], f"device-{i:05d}", to)
                    lat.append(ms if ms is not None else float("inf"))
            driver.save_screenshot(os.path.join(HERE, "..", "..", ".build", "artifacts", f"overview-{n}-fleet-1280.png"))
            driver.quit()
            driver = None
            print(f"overview: flip to DOM {len(lat)} flips, median {statistics.median(lat):.0f} ms, max {max(lat):.0f} ms", flush=True)
            out, _ = sim.communicate(timeout=a.play + 600)
            sim_line = [x for x in out.splitlines() if x.startswith("fleet: flips")]
            print(f"overview: simulator exit {sim.returncode}; {sim_line[0] if sim_line else out[-500:]}", flush=True)
            sim = None

            # Ingest with 100 open streams against none, interleaved (the wrk beats keep every device of the file up).
            p99 = {"none": [], "100 streams": []}
            rps = {"none": [], "100 streams": []}
            for r in range(3):
                for mode in ["none", "100 streams"]:
                    streams = []
                    if mode != "none":
                        streams = [Stream(port) for _ in range(100)]
                        for s in streams:
                            s.start()
                        time.sleep(1)
                    f = wrk_round(url, tokens_beating)
                    open_streams = sum(1 for s in streams if s.is_alive())
                    for s in streams:
                        s.close()
                    if f["errors"]:
                        print(f"overview: wrk errors {f}", flush=True)
                    p99[mode].append(f["p99_us"] / 1000)
                    rps[mode].append(f["rps"])
                    print(f"overview: ingest round {r + 1} {mode}: {f['rps']:.0f} req/s, p99 {f['p99_us'] / 1000:.1f} ms"
                          + (f" ({open_streams} streams open to the end)" if streams else ""), flush=True)
        col.stop()

        # A quiet collector (nobody goes down: a grace of an hour, the most allowed) with one page open, then none.
        quiet = harness.Collector(a.bin, data, port=port, env={"DOWNTIME_GRACE": "3600"})
        col = quiet.start()
        pid = col.proc.pid
        time.sleep(5)
        c0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(30)
        cpu_none = (cpu_seconds(pid) - c0) / (time.monotonic() - t0)
        driver = live_page.browser(1280, 900, os.path.join(profile, "quiet"))
        driver.get(url + "/")
        live_page.wait(driver, "return document.body.dataset.live === '1'", 15)
        time.sleep(5)
        before = sent_bytes(port)
        c0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(60)
        cpu_tab = (cpu_seconds(pid) - c0) / (time.monotonic() - t0)
        after = sent_bytes(port)
        # A connection closed meanwhile (the page's own, by the idle timeout) sent nothing more after its page.
        sent = sum(v - before.get(k, 0) for k, v in after.items())
        conns0, conns1 = len(before), len(after)
        per5 = sent / 12
        print(f"overview: quiet page open 60 s: the collector sent {sent} bytes ({per5:.0f} per 5 s) on "
              f"{conns1} connection(s) ({conns0} at the start); collector CPU {cpu_tab * 100:.2f} % of a core with the page, "
              f"{cpu_none * 100:.2f} % without", flush=True)
        driver.save_screenshot(os.path.join(HERE, "..", "..", ".build", "artifacts", f"overview-{n}-quiet-1280.png"))

        if a.quiet_only:
            print(f"bench: overview quiet page: {per5:.0f} B per 5 s (goal 2048), collector CPU "
                  f"+{(cpu_tab - cpu_none) * 100:.2f} % of a core with it open (goal 1)")
            return 0
        ok_page = page_bytes < 300 * 1024 and page_ms < 100 and not missing
        ok_flip = max(lat) < 1000
        ok_idle = per5 < 2048 and (cpu_tab - cpu_none) < 0.01
        p_none, p_streams = statistics.median(p99["none"]), statistics.median(p99["100 streams"])
        print(f"bench: overview page {'met' if ok_page else 'MISSED'}: {n} devices, 1 % down, GET / {page_bytes // 1024} KiB "
              f"(goal 300), median {page_ms:.1f} ms (goal 100), {silent - len(missing)}/{silent} down devices on it")
        print(f"bench: overview live {'met' if ok_flip and ok_idle else 'MISSED'}: flip to DOM median "
              f"{statistics.median(lat):.0f} ms, max {max(lat):.0f} ms (goal 1000); quiet page {per5:.0f} B per 5 s (goal 2048), "
              f"collector CPU +{(cpu_tab - cpu_none) * 100:.2f} % of a core with it open (goal 1)")
        print(f"bench: overview streams: ingest p99 {p_streams:.1f} ms with 100 open streams, {p_none:.1f} ms without "
              f"(medians of 3 rounds; {statistics.median(rps['100 streams']):.0f} vs {statistics.median(rps['none']):.0f} req/s)")
        return 0
    finally:
        if driver:
            driver.quit()
        if sim and sim.poll() is None:
            sim.kill()
        if col:
            col.kill9()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
