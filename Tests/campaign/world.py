"""The campaign's world: the real collector (under libfaketime), real agents behind one TCP proxy each, a tmpfs
state folder per agent, a webhook receiver. Python 3 standard library only; loopback only; run as root (tmpfs).

Every child is started under `setpriv --pdeathsig KILL`, so it dies with the campaign even when the campaign
itself is killed. Times are the harness's own clock (`time.time()`, the real wall clock).
"""
import http.server
import json
import os
import select
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.request
import uuid

DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "KILL", "--"]
LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


class _Spawner:
    """Every child is started from this one thread, which lives as long as the campaign: `--pdeathsig` fires when
    the *thread* that started a child ends (prctl(2)), and faults run on short-lived threads."""

    def __init__(self):
        import queue
        self.q = queue.Queue()
        threading.Thread(target=self._loop, daemon=True, name="spawner").start()

    def _loop(self):
        while True:
            args, kw, box, done = self.q.get()
            try:
                box.append(subprocess.Popen(args, **kw))
            except Exception as e:  # handed back to the caller
                box.append(e)
            done.set()

    def popen(self, args, **kw):
        box, done = [], threading.Event()
        self.q.put((args, kw, box, done))
        done.wait()
        if isinstance(box[0], Exception):
            raise box[0]
        return box[0]


SPAWNER = _Spawner()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(bin_dir, *args):
    r = subprocess.run(DIE_WITH_PARENT + [os.path.join(bin_dir, "downtime-collector"), *args], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"downtime-collector {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


class Truth:
    """The ground truth: what the harness did and when (its own clock), one JSON line each, flushed at once."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.records = []
        self.file = open(path, "a")

    def note(self, what, **fields):
        rec = dict(t=time.time(), what=what, **fields)
        with self.lock:
            self.records.append(rec)
            self.file.write(json.dumps(rec) + "\n")
            self.file.flush()
        return rec


class FakeClock:
    """The collector's libfaketime offset file (the agents are not faked). Only ever >= 0: libfaketime 0.9.10
    shifts monotonic timer deadlines when its offset is negative, so a step goes forward and back to real time."""

    def __init__(self, path):
        self.path = path
        self.offset = 0.0
        self.set(0)

    def set(self, offset):
        assert offset >= 0
        self.offset = offset
        with open(self.path + ".tmp", "w") as f:
            f.write(f"+{offset:.3f}\n" if offset else "+0\n")
        os.replace(self.path + ".tmp", self.path)

    def env(self):
        return {"LD_PRELOAD": LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE": self.path, "FAKETIME_NO_CACHE": "1",
                "FAKETIME_DONT_FAKE_MONOTONIC": "1"}


class Collector:
    """`downtime-collector` (serve, configured through the environment: libfaketime hides a Swift program's
    arguments) on 127.0.0.1:port, restartable on the same data folder and port; its output goes to a log file."""

    def __init__(self, bin_dir, data_dir, port, env, log_path):
        self.exe = os.path.join(os.path.abspath(bin_dir), "downtime-collector")
        self.data_dir, self.port, self.log_path = data_dir, port, log_path
        self.env = dict(os.environ, LOG_LEVEL="info", DOWNTIME_HOST="127.0.0.1", DOWNTIME_PORT=str(port),
                        DOWNTIME_DATA_DIR=data_dir, **env)
        self.proc = None
        self.stopped = False  # SIGSTOPped
        self.runs = 0

    def start(self, timeout=30):
        log = open(self.log_path, "ab")
        log.write(f"--- start {time.time():.3f}\n".encode())
        log.flush()
        self.proc = SPAWNER.popen(DIE_WITH_PARENT + [self.exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  env=self.env)
        self.runs += 1
        ready = threading.Event()
        proc = self.proc

        def drain():
            for raw in proc.stdout:
                log.write(raw)
                log.flush()
                if b"listening on" in raw:
                    ready.set()
            log.close()
        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(timeout):
            self.kill9()
            raise RuntimeError(f"collector did not start (see {self.log_path})")
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.alive():
            if self.stopped:
                self.cont()
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop_signal(self):
        if self.alive():
            self.proc.send_signal(signal.SIGSTOP)
            self.stopped = True

    def cont(self):
        if self.alive():
            self.proc.send_signal(signal.SIGCONT)
        self.stopped = False

    def terminate(self):
        if self.alive():
            self.cont()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def get(self, path, timeout=20):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as r:
            return r.status, r.read()

    def get_json(self, path):
        return json.loads(self.get(path)[1])


class Proxy:
    """A TCP proxy between one agent and the collector: `pass`, `refuse` (the listening socket closed, every
    connection reset: connection refused) or `hold` (connections accepted, nothing forwarded or answered; reset
    when the cut ends)."""

    def __init__(self, upstream_port, name):
        self.upstream = upstream_port
        self.name = name
        self.port = free_port()
        self.mode = "pass"
        self.lock = threading.Lock()
        self.conns = set()
        self.listener = None
        self.closed = False
        self._listen()

    def _listen(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _ in range(50):
            try:
                s.bind(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"proxy {self.name}: port {self.port} not free again")
        s.listen(64)
        self.listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s):
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    @staticmethod
    def _reset(sock):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            sock.close()
        except OSError:
            pass

    def _serve(self, c):
        with self.lock:
            mode = self.mode
            self.conns.add(c)
        up = None
        try:
            if mode == "refuse":
                return
            if mode == "pass":
                try:
                    up = socket.create_connection(("127.0.0.1", self.upstream), timeout=3)
                    up.settimeout(None)
                except OSError:
                    return
            while True:
                socks = [c] + ([up] if up else [])
                r, _, _ = select.select(socks, [], [], 0.5)
                if self.mode == "refuse" or self.closed:
                    return
                held = self.mode == "hold"
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    if held or up is None:
                        continue  # swallowed: never forwarded, never answered
                    (up if s is c else c).sendall(data)
        except (OSError, ValueError):  # ValueError: a socket reset by set_mode() while select() waited on it
            return
        finally:
            with self.lock:
                self.conns.discard(c)
            self._reset(c)
            if up:
                self._reset(up)

    def set_mode(self, mode):
        with self.lock:
            old, self.mode = self.mode, mode
            conns = list(self.conns)
        if mode == "refuse" and self.listener:
            try:  # wakes the blocked accept() and stops listening: connections are refused from now on
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        if mode in ("refuse", "pass") and old != "pass":
            for c in conns:  # a held connection ends with the cut: reset
                self._reset(c)
        if mode == "refuse":
            for c in conns:
                self._reset(c)
        if mode != "refuse" and self.listener is None:
            self._listen()

    def close(self):
        self.closed = True
        if self.listener:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
        for c in list(self.conns):
            self._reset(c)


class Disk:
    """A tmpfs of its own for an agent's state folder: made read-only or filled up at will."""

    def __init__(self, path, size="4m"):
        self.path = path
        os.makedirs(path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path], check=True)
        self.filler = os.path.join(path, "filler")

    def read_only(self, on):
        subprocess.run(["mount", "-o", "remount," + ("ro" if on else "rw"), self.path], check=True)

    def fill(self, on):
        if on:
            fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                for size in (65536, 4096, 1):  # to the last byte
                    chunk = b"\0" * size
                    try:
                        while True:
                            os.write(fd, chunk)
                    except OSError:
                        pass
            finally:
                os.close(fd)
        else:
            try:
                os.remove(self.filler)
            except FileNotFoundError:
                pass

    def unmount(self):
        subprocess.run(["umount", "-l", self.path], capture_output=True)


class Device:
    """A simulated Pi: the real agent, its boot facts in files, its state folder on its own tmpfs, its own proxy."""

    def __init__(self, root, bin_dir, name, site, token, proxy, interval, persist):
        self.name, self.site, self.token, self.proxy = name, site, token, proxy
        self.exe = os.path.join(os.path.abspath(bin_dir), "downtime-agent")
        self.dir = os.path.join(root, "devices", name)
        os.makedirs(self.dir, exist_ok=True)
        self.disk = Disk(os.path.join(self.dir, "state"))
        self.boot_id_file, self.uptime_file, self.sync_file = (
            os.path.join(self.dir, f) for f in ("boot_id", "uptime", "synchronized"))
        open(self.sync_file, "w").close()
        self.interval, self.persist = interval, persist
        self.proc = None
        self.log = os.path.join(self.dir, "agent.log")
        self.boot_id = None
        self.starts = 0
        # Power and the job wrapper running on it (`jobs.JobPlayer`): a power loss or reboot ends the run too.
        self.powered = True
        self.power_lock = threading.Lock()
        self.job_proc = None

    def new_boot(self, uptime):
        """A new boot `uptime` seconds ago; the uptime file holds the uptime at its mtime (the agent adds the time
        since). Returns the boot moment."""
        self.boot_id = str(uuid.uuid4())
        with open(self.boot_id_file, "w") as f:
            f.write(self.boot_id + "\n")
        with open(self.uptime_file + ".tmp", "w") as f:
            f.write(f"{uptime:.3f} 0.00\n")
        os.replace(self.uptime_file + ".tmp", self.uptime_file)
        with self.power_lock:
            self.powered = True
        return os.stat(self.uptime_file).st_mtime - uptime

    def start(self):
        log = open(self.log, "ab")
        log.write(f"--- start {time.time():.3f} boot {self.boot_id}\n".encode())
        log.flush()
        self.proc = SPAWNER.popen(
            DIE_WITH_PARENT + [self.exe, "--collector", f"http://127.0.0.1:{self.proxy.port}", "--device", self.name,
                               "--token", self.token, "--state-dir", self.disk.path, "--interval", str(self.interval),
                               "--persist-interval", str(self.persist), "--boot-id-file", self.boot_id_file,
                               "--uptime-file", self.uptime_file, "--time-sync-file", self.sync_file],
            stdout=log, stderr=log, env={"PATH": "/usr/bin:/bin"})
        log.close()
        self.starts += 1

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig, power=False):
        """Sends `sig` and waits for the agent to end; returns the moment it was sent. `power`: the device goes off
        (a power loss with SIGKILL, a reboot with SIGTERM): a job running on it gets the same signal, with its
        command, and the device takes no new job until its next boot."""
        t = time.time()
        if power:
            with self.power_lock:
                self.powered = False
                job = self.job_proc
                if job is not None and job.poll() is None:
                    job.cut_by, job.cut_at = sig, t  # the player's truth: this run ended with the power
                    try:
                        os.killpg(job.pid, sig)
                    except ProcessLookupError:
                        pass
        if self.running():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return t

    def outbox_files(self):
        d = os.path.join(self.disk.path, "outbox")
        try:
            return [f for f in os.listdir(d) if f.endswith(".json")]
        except OSError:
            return []


class Sink:
    """The webhook receiver: every notification the collector sends, with the harness's time of arrival."""

    def __init__(self, path):
        self.messages = []
        self.lock = threading.Lock()
        self.file = open(path, "a")
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    msg = json.loads(body)
                except ValueError:
                    msg = {"unparsed": body.decode("utf-8", "replace")}
                msg["_received"] = time.time()
                with sink.lock:
                    sink.messages.append(msg)
                    sink.file.write(json.dumps(msg) + "\n")
                    sink.file.flush()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()

