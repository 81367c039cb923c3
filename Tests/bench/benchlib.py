"""Shared pieces of the benchmarks: process figures from /proc, medians, the bench binary.

The collector as a child, plain HTTP and free ports come from Tests/reliability/harness.py.
"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
import harness  # noqa: E402  (re-exported for the bench scripts)

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def status_kb(pid, key):
    """A `kB` line of /proc/PID/status (VmRSS, VmHWM, RssAnon ...)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def median(values):
    return statistics.median(values) if values else float("nan")


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))] if s else float("nan")


def timed_get(port, path, rounds):
    """Median, min and max wall time in ms of `rounds` GETs (each on a fresh connection), and the last body size."""
    times, size = [], 0
    for _ in range(rounds):
        t = time.perf_counter()
        status, _, body = harness.request(port, "GET", path, timeout=60)
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        size = len(body)
    return median(times), min(times), max(times), size


def bench_tool(bin_dir, *args, timeout=900):
    """Runs `downtime-bench ARGS`, echoing its output; raises on a non-zero exit."""
    exe = os.path.join(bin_dir, "downtime-bench")
    r = subprocess.run(harness.DIE_WITH_PARENT + [exe, *args], capture_output=True, text=True, timeout=timeout)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        raise RuntimeError(f"downtime-bench {args[0]} exited {r.returncode}")
    return r.stdout


def db_bytes(data_dir):
    """Bytes of live pages in downtime.sqlite, WAL included (what the data costs, not the file's slack), and log rows by kind."""
    import sqlite3
    con = sqlite3.connect(f"file:{os.path.join(data_dir, 'downtime.sqlite')}?mode=ro", uri=True)
    try:
        page = con.execute("PRAGMA page_size").fetchone()[0]
        count = con.execute("PRAGMA page_count").fetchone()[0]
        free = con.execute("PRAGMA freelist_count").fetchone()[0]
        rows = dict(con.execute("SELECT kind, count(*) FROM event GROUP BY kind").fetchall())
        return (count - free) * page, rows
    finally:
        con.close()


class FloorServer:
    """`downtime-bench floor-server` (issue 33): a bare Hummingbird server that decodes each heartbeat with the
    collector's decoder and answers 200 with a fixed body; the floor the collector is measured against."""

    def __init__(self, bin_dir):
        self.exe = os.path.join(os.path.abspath(bin_dir), "downtime-bench")
        self.port = harness.free_port()
        self.proc = None

    def start(self, timeout=20):
        self.proc = subprocess.Popen(harness.DIE_WITH_PARENT + [self.exe, "floor-server", "--port", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        # The server prints one line once it listens; os.read on the pipe would block, so poll with select.
        import select
        out = ""
        while time.monotonic() < deadline and "listening on port" not in out:
            if self.proc.poll() is not None:
                raise RuntimeError(f"floor-server exited with {self.proc.returncode}: {out}{self.proc.stdout.read()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                out += self.proc.stdout.readline()
        if "listening on port" not in out:
            self.stop()
            raise RuntimeError(f"floor-server did not start within {timeout} s: {out}")
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def load_text():
    """The load average now, for the line of each figure (the machine is shared)."""
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())
