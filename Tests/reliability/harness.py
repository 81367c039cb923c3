"""Shared pieces of the reliability scripts: the collector binary as a child, its CLI, plain HTTP.

Loopback only. Every child is started under `setpriv --pdeathsig KILL` (util-linux), so it dies with the
script even when the script itself is killed (by run.sh's time limit, say). Not preexec_fn: that is not
safe while other threads run, as they do in crash.py.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """`downtime-collector serve` on 127.0.0.1:port; restartable on the same data folder and port."""

    def __init__(self, bin_dir, data_dir, port=None, env=None):
        self.exe = os.path.join(os.path.abspath(bin_dir), "downtime-collector")
        self.data_dir = data_dir
        self.port = port or free_port()
        self.env = dict(os.environ, LOG_LEVEL="warning", **(env or {}))
        self.proc = None
        self.output = []

    def start(self, timeout=20):
        self.proc = subprocess.Popen(
            DIE_WITH_PARENT + [self.exe, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", self.data_dir],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=self.env)
        ready = threading.Event()
        proc = self.proc

        def drain():
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace")
                self.output.append(line)
                if "listening on" in line:
                    ready.set()
        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(timeout):
            self.kill9()
            raise RuntimeError("collector did not start:\n" + "".join(self.output[-20:]))
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        """SIGTERM (a clean stop flushes beats); SIGKILL after 10 s. Returns the exit status."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()
        return self.proc.returncode if self.proc else None

    def cli(self, *args):
        return cli(os.path.dirname(self.exe), *args, "--data-dir", self.data_dir)


def cli(bin_dir, *args):
    r = subprocess.run(DIE_WITH_PARENT + [os.path.join(bin_dir, "downtime-collector"), *args], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"downtime-collector {' '.join(args)}: {r.returncode} {r.stderr}")
    return r.stdout


def add_device(bin_dir, data_dir, name):
    """Adds a device with the CLI and returns its token (the last line)."""
    return cli(bin_dir, "device", "add", name, "--data-dir", data_dir).strip().splitlines()[-1]


def request(port, method, path, body=None, token=None, content_type="application/json", timeout=10, conn=None):
    """One HTTP request; returns (status, headers dict lower-cased, body bytes)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = content_type
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        if own:
            conn.close()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int((t % 1) * 1000):03d}Z"


def heartbeat(device, seq=1, boot="0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", interval=10):
    return {"device": device, "seq": seq, "boot_id": boot, "uptime_s": 100, "sent_at": iso(time.time()),
            "clock_synced": True, "interval_s": interval, "agent_version": "reliability"}


def temp_dir(tag):
    return tempfile.mkdtemp(prefix=f"dtm-rel-{tag}-")


def device_list(bin_dir, data_dir):
    """`device list` lines, without the last-beat column (beats are not an outcome of refused requests)."""
    out = cli(bin_dir, "device", "list", "--data-dir", data_dir)
    return sorted(re.sub(r"\tlast beat .*$", "", line) for line in out.splitlines())


def sqlite_rows(db, sql):
    import sqlite3
    con = sqlite3.connect(db)  # only while no collector runs
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def postgres_database(prefix):
    """A fresh database on the server of Tests/postgres/with-postgres.sh (DOWNTIME_TEST_POSTGRES_URL); its URL."""
    import urllib.parse
    import uuid
    base = os.environ["DOWNTIME_TEST_POSTGRES_URL"]
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    psql = os.path.join(os.environ.get("DOWNTIME_TEST_POSTGRES_BIN", "/usr/bin"), "psql")
    subprocess.run([psql, "-q", "-v", "ON_ERROR_STOP=1", base, "-c", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True, text=True, timeout=60)
    u = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, "", ""))


class Mosquitto:
    """Debian's mosquitto on a free loopback port (anonymous, no persistence), for the collector's MQTT link
    (DESIGN "Home Assistant and MQTT"). `watch()` keeps every message from then on with its time; `retained()`
    reads the retained ones back."""

    def __init__(self, folder):
        self.port = free_port()
        conf = os.path.join(folder, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\npersistence false\nallow_anonymous true\nuser root\n")
        self.procs = [subprocess.Popen(DIE_WITH_PARENT + ["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.STDOUT)]
        self.messages = []  # (time.monotonic(), topic, payload)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port}")

    def watch(self):
        """Subscribes to every topic; each message is appended to `messages` as it comes."""
        sub = subprocess.Popen(DIE_WITH_PARENT + ["mosquitto_sub", "-p", str(self.port), "-t", "#", "-F", "%t|%p"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.procs.append(sub)

        def read():
            for line in sub.stdout:
                topic, _, payload = line.rstrip("\n").partition("|")
                self.messages.append((time.monotonic(), topic, payload))
        threading.Thread(target=read, daemon=True).start()

    def retained(self):
        """Every retained message, topic -> payload (mosquitto_sub ends at the first message that is not retained,
        or after 3 s)."""
        out = subprocess.run(["mosquitto_sub", "-p", str(self.port), "-t", "#", "--retained-only", "-W", "3",
                              "-F", "%t|%p"], capture_output=True, text=True).stdout
        return dict(line.partition("|")[::2] for line in out.splitlines() if "|" in line)

    def stop(self):
        for p in reversed(self.procs):
            p.kill()
            p.wait()
