#!/usr/bin/env python3
"""Two collectors on one PostgreSQL database behind Debian's nginx on loopback; kill -9 the leader under load.

Simulated agents beat every 2 s through nginx (round robin: each device's beats alternate between the
collectors) and post event batches with fresh ids, retrying a batch until it gets a 2xx, as the agent's
outbox does. Three "flapper" devices go silent for 18 s each, at planned moments: one while the first
collector leads, one across the moment that leader is killed with SIGKILL, one after the killed collector
came back (as a follower). Quiet hours on a second channel and a daily digest on a third end at the same minute,
35 to 60 s into the run (the test waits for a minute's first 10 s to start): each is sent once, by the leader.
A fifth flapper stays down across the kill with reminders every 6 s on a fourth channel: none doubled, none late.
Then the database restarts under them (pg_ctl stop -m fast for 10 s, issue #35):
event POSTs get 503 with Retry-After meanwhile, and a fourth flapper, silent after the restart, must still be
called down and up by whichever collector takes the lead again. A webhook sink counts the notifications.

Afterwards (read back with the real CLI, `export --database ...`): every acknowledged event is stored,
exactly once; every steady device has exactly one flip (new → up) - none was ever called down while it
beat to the other collector; every flapper has exactly new → up, up → down, down → up; every flapper got
exactly one down and one up notification, every device one 'new'; the second collector took the lead after the kill,
and a collector took it again after the database restart; no answer but 200, except 503 with Retry-After while the
database was away.

MQTT (issue #29): both collectors are given a real mosquitto broker. Only the leader publishes: the follower
never connects before the kill; the leader's last will says `offline` when it is killed, and the new leader says
`online` again and publishes every device's config and state; no other `offline` while a leader runs.

usage: two_collectors.py --bin DIR   (DOWNTIME_TEST_POSTGRES_URL names a server: Tests/postgres/with-postgres.sh)
"""
import argparse
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability"))
import harness  # noqa: E402

DB_DOWN, DB_UP, END = 72, 82, 114  # the database's restart (seconds after the start) and the end
INTERVAL = 2  # with misses 2 and grace 2 s, a device is down 6 s after its last beat
SILENCE = 18.0  # down after 6 s; the down message waits 10 s for others to group with, so the outage must outlast it
STEADY = 8
LONG = (6, 40)  # flap-long's silence: down across the leader's kill, reminded every 6 s


class Agent(threading.Thread):
    def __init__(self, name, token, port, seed, stop, silent=None, events=True):
        super().__init__(daemon=True)
        self.name, self.token, self.port = name, token, port
        self.rng = random.Random(seed)
        self.stop = stop
        self.silent = silent  # (start, end) seconds after the test's start
        self.events = events
        self.acked = set()
        self.pending = None
        self.seq = 0
        self.bad = []  # 5xx or other unexpected answers
        self.errors = 0

    def post(self, path, body):
        try:
            status, headers, data = harness.request(self.port, "POST", path, body=body, token=self.token, timeout=5)
        except OSError:
            self.errors += 1
            return None, b""
        if status != 200:
            self.bad.append((time.monotonic() - T0, path, status, "retry-after" in headers, data[:200]))
        return status, data

    def run(self):
        next_beat = time.monotonic()
        while not self.stop.is_set():
            now = time.monotonic() - T0
            quiet = self.silent and self.silent[0] <= now < self.silent[1]
            if time.monotonic() >= next_beat and not quiet:
                self.seq += 1
                self.post("/api/v1/heartbeat", harness.heartbeat(self.name, self.seq, interval=INTERVAL))
                next_beat = time.monotonic() + INTERVAL
            if self.events and not quiet:
                if self.pending is None:
                    self.pending = [{"id": str(uuid.uuid4()), "device": self.name, "kind": "clock_jump",
                                     "at": harness.iso(time.time()), "boot_id": "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
                                     "delta_s": 3.0} for _ in range(self.rng.randint(1, 3))]
                status, data = self.post("/api/v1/events", {"events": self.pending})
                if status == 200:
                    self.acked.update(json.loads(data)["accepted"])
                    self.pending = None
            self.stop.wait(0.2 + self.rng.random() * 0.2)


class Sink(http.server.BaseHTTPRequestHandler):
    received = []  # the main channel's (path /)
    by_path = {}  # every channel's, by path: /quiet and /digest too
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with Sink.lock:
            msg = json.loads(body)
            msg["_received"] = time.time()
            Sink.by_path.setdefault(self.path, []).append(msg)
            if self.path == "/":
                Sink.received.append(msg)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


NGINX_CONF = """
daemon off;
# One process, no master: it dies with this script (setpriv --pdeathsig), leaving no orphaned worker.
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream collectors {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=3s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=3s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://collectors;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 1s;
            # Heartbeats and event batches are idempotent (events by id): a request a dying collector
            # did not answer may go to the other one.
            proxy_next_upstream error timeout non_idempotent;
        }}
    }}
}}
"""


def main():
    global T0
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--seed", type=int, default=20261201)
    args = p.parse_args()
    base = os.environ.get("DOWNTIME_TEST_POSTGRES_URL")
    ctl = os.environ.get("DOWNTIME_TEST_POSTGRES_CTL")
    if not base or not ctl:
        print("FAIL: DOWNTIME_TEST_POSTGRES_URL/_CTL not set (run under Tests/postgres/with-postgres.sh)")
        return 1
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        print("FAIL: nginx is not installed (apt-get install nginx)")
        return 1
    url = harness.postgres_database("e2e")  # a database of its own

    tmp = harness.temp_dir("multi")
    broker = harness.Mosquitto(tmp)
    broker.watch()
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    # Quiet hours and a digest (issue #28) end at one minute boundary B, 35 to 60 s into the run (across the
    # leader's kill at 30 s): only the leader sends each, once. Started in a minute's first 10 s, B is the next.
    while time.time() % 60 > 10:
        time.sleep(0.5)
    boundary = (int(time.time()) // 60 + 1) * 60
    hhmm = time.strftime("%H:%M", time.gmtime(boundary))
    quiet_from = time.strftime("%H:%M", time.gmtime(boundary - 1800))
    hook = f"http://127.0.0.1:{sink.server_address[1]}"
    env = {"DOWNTIME_DATABASE": url, "DOWNTIME_MISSES": "2", "DOWNTIME_GRACE": "2", "DOWNTIME_TIMEZONE": "UTC",
           "DOWNTIME_NOTIFY": f"hook=webhook {hook}/; calm=webhook {hook}/quiet quiet={quiet_from}-{hhmm}; "
                              f"daily=webhook {hook}/digest digest=daily@{hhmm}; nag=webhook {hook}/remind remind=6s",
           "DOWNTIME_NOTIFY_SETTLE": "1",
           "DOWNTIME_MQTT_URL": f"mqtt://127.0.0.1:{broker.port}"}
    a = harness.Collector(args.bin, os.path.join(tmp, "a"), env=env)
    b = harness.Collector(args.bin, os.path.join(tmp, "b"), env=env)
    for c in (a, b):
        c.env["LOG_LEVEL"] = "notice"  # the lead changes are notices
    proxy_port = harness.free_port()
    with open(os.path.join(tmp, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(dir=tmp, a=a.port, b=b.port, port=proxy_port))
    proxy = None
    stop = threading.Event()
    failures = []
    try:
        a.start()
        time.sleep(1.5)  # a sweeps first: it leads
        b.start()
        proxy = subprocess.Popen(harness.DIE_WITH_PARENT + [nginx, "-e", os.path.join(tmp, "error.log"), "-p", tmp, "-c",
                                                            os.path.join(tmp, "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for _ in range(50):
            try:
                harness.request(proxy_port, "GET", "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        tokens = {}
        names = [f"steady-{i}" for i in range(STEADY)] + ["flap-1", "flap-2", "flap-3", "flap-4", "flap-long"]
        for n in names:
            out = harness.cli(args.bin, "device", "add", n, "--database", url)
            tokens[n] = out.strip().splitlines()[-1]
        T0 = time.monotonic()
        # flap-1's up message (settle 1 s) and the stored cursor past it (held 2 sweeps more) are done by about
        # 26 s; the kill comes 4 s after that. A message sent in the last seconds before a leader dies may be sent
        # again by the next one (a duplicate chosen over a loss, docs/DESIGN.md); flap-1 is not meant to test that,
        # and a loaded machine ate a 3 s margin once.
        silences = {"flap-1": (4, 4 + SILENCE), "flap-2": (28, 28 + SILENCE), "flap-3": (48, 48 + SILENCE),
                    "flap-4": (DB_UP + 6, DB_UP + 6 + SILENCE), "flap-long": LONG}
        agents = [Agent(n, tokens[n], proxy_port, args.seed + i, stop, silent=silences.get(n), events=n.startswith("steady"))
                  for i, n in enumerate(names)]
        for ag in agents:
            ag.start()
        # The leader dies 2 s into flap-2's silence (its down is due 2 to 4 s later), under load.
        time.sleep(30 - (time.monotonic() - T0))
        a_led = any("now leads" in line for line in a.output)
        b_published_early = any("MQTT: connected" in line for line in b.output)
        kill_start = time.monotonic() - T0
        a.kill9()
        killed_at = time.monotonic() - T0
        time.sleep(37 - (time.monotonic() - T0))
        a.start()
        # The database restarts under both collectors; flap-4 falls silent after it is back.
        time.sleep(DB_DOWN - (time.monotonic() - T0))
        leads_before = sum(line.count("now leads") for c in (a, b) for line in c.output)
        subprocess.run([ctl, "stop"], check=True, timeout=90)
        time.sleep(DB_UP - (time.monotonic() - T0))
        subprocess.run([ctl, "start"], check=True, timeout=90)
        time.sleep(END - (time.monotonic() - T0))
        led_again = sum(line.count("now leads") for c in (a, b) for line in c.output) > leads_before
        end_at = time.monotonic() - T0
        stop.set()
        for ag in agents:
            ag.join(10)
        time.sleep(2.5)  # the last beats flushed, the last notifications sent
        b_led = any("now leads" in line for line in b.output)
        a.stop()
        b.stop()

        exported = json.loads(harness.cli(args.bin, "export", "--format", "json", "--database", url))["events"]
        stored_ids = [e["id"].lower() for e in exported if e["kind"] == "clock_jump"]
        acked = set(i.lower() for ag in agents for i in ag.acked)
        flips = {}
        for e in exported:
            if e["kind"] == "flip":
                flips.setdefault(e["device"], []).append(f"{e['from']}>{e['to']}")
        told = {"down": {}, "up": {}, "new": {}}
        for n in Sink.received:
            kind = {"group": "down"}.get(n.get("event"), n.get("event"))
            for d in n.get("devices", []):
                told.setdefault(kind, {})[d] = told.setdefault(kind, {}).get(d, 0) + 1
        downs, ups, news = told["down"], told["up"], told["new"]
        with open(os.path.join(tmp, "error.log"), errors="replace") as f:
            retried = sum(1 for line in f if "upstream" in line)  # requests nginx moved off the dead collector
        # While the database was away (and a sweep after), 503 with Retry-After is the right answer.
        bad = [x for ag in agents for x in ag.bad
               if not (x[2] == 503 and x[3] and DB_DOWN - 1 <= x[0] <= DB_UP + 4)]
        waited = sum(1 for ag in agents for x in ag.bad if x[2] == 503) - sum(1 for x in bad if x[2] == 503)
        conn_errors = sum(ag.errors for ag in agents)

        print(f"two collectors: killed the leader at {killed_at:.1f} s, restarted it at 37 s; "
              f"{len(acked)} events acknowledged, {len(stored_ids)} stored ({len(set(stored_ids))} distinct); "
              f"{sum(ag.seq for ag in agents)} beats sent; {len(bad)} non-200 answers, {conn_errors} connection errors; "
              f"{retried} upstream errors in nginx's log (requests it passed to the other collector); "
              f"{waited} answers 503 with Retry-After while the database restarted")
        print(f"flips: {json.dumps(flips, sort_keys=True)}")
        print(f"notifications: down {json.dumps(downs, sort_keys=True)}, up {json.dumps(ups, sort_keys=True)}, "
              f"new for {len(news)} devices; {len(Sink.received)} in all")
        if not a_led:
            failures.append("the first collector never led")
        if not b_led:
            failures.append("the second collector did not take the lead after the kill")
        if not led_again:
            failures.append("no collector took the lead again after the database restart")
        if waited == 0:
            failures.append("no 503 with Retry-After while the database was away")
        if not acked <= set(stored_ids):
            failures.append(f"{len(acked - set(stored_ids))} acknowledged events are missing")
        if len(stored_ids) != len(set(stored_ids)):
            failures.append("an event is stored twice")
        for n in names:
            want = ["new>up", "up>down", "down>up"] if n.startswith("flap") else ["new>up"]
            if flips.get(n) != want:
                failures.append(f"{n}: flips {flips.get(n)}, expected {want}")
            for kind, counts in (("down", downs), ("up", ups)):
                if counts.get(n, 0) != (1 if n.startswith("flap") else 0):
                    failures.append(f"{n}: {counts.get(n, 0)} {kind} notifications")
            if news.get(n, 0) != 1:
                failures.append(f"{n}: {news.get(n, 0)} 'new' notifications")
        if bad:
            failures.append(f"non-200 answers: {bad[:5]}")
        # The quiet channel: nothing inside its window but one summary at its end (the new devices as notes); the
        # digest channel: one digest at its time.
        calm = Sink.by_path.get("/quiet", [])
        summaries = [m for m in calm if m.get("event") == "quiet"]
        early = [m["event"] for m in calm if m.get("event") != "quiet" and m["_received"] < boundary]
        digests = [m for m in Sink.by_path.get("/digest", []) if m.get("event") == "digest"]
        print(f"quiet hours until {hhmm} UTC ({boundary - (T0 - time.monotonic() + time.time()):.0f} s into the run): "
              f"{len(summaries)} summaries, {len(early)} messages inside the window; {len(digests)} digests")
        if len(summaries) != 1:
            failures.append(f"quiet hours: {len(summaries)} summaries at the window's end, expected 1")
        elif "steady-0" not in summaries[0].get("message", "") or summaries[0]["_received"] < boundary:
            failures.append(f"quiet hours: the summary does not name the new devices or came early: {summaries[0]}")
        if early:
            failures.append(f"quiet hours: {early} sent inside the window")
        # Reminders every 6 s for flap-long, down from about 12 s to 40 s across the leader's kill at 30 s: none
        # doubled by the two leaders (two within 3 s), none after its return, and the count its down time allows.
        nags = [m for m in Sink.by_path.get("/remind", []) if m.get("event") == "reminder"
                and "flap-long" in m.get("devices", [])]
        gaps = [round(b["_received"] - a["_received"], 1) for a, b in zip(nags, nags[1:])]
        back = [m["_received"] for m in Sink.received if m.get("event") == "up" and "flap-long" in m.get("devices", [])]
        print(f"reminders for flap-long: {len(nags)}, {gaps} s apart")
        if not 2 <= len(nags) <= 5 or any(g < 3 for g in gaps):
            failures.append(f"reminders: flap-long got {len(nags)}, {gaps} s apart (expected 2 to 5, 6 s apart)")
        if back and any(m["_received"] > back[0] for m in nags):
            failures.append("reminders: one came after flap-long's return was told")
        if len(digests) != 1 or digests[0]["_received"] < boundary:
            failures.append(f"digest: {len(digests)} digests at {hhmm}, expected 1 after it")
        got = [(t - T0, topic, p) for t, topic, p in broker.messages]  # seconds since T0
        statuses = [(t, p) for t, topic, p in got if topic == "downtime/status" and t <= end_at]
        print(f"mqtt: downtime/status {[(round(t, 1), p) for t, p in statuses]}, the leader killed at {kill_start:.1f} s")
        if b_published_early:
            failures.append("mqtt: the follower connected to the broker while the leader ran")
        if [p for t, p in statuses if t >= kill_start][:2] != ["offline", "online"]:
            failures.append(f"mqtt: after the kill expected offline (the last will), then online (the new leader)")
        if sum(1 for t, p in statuses if p == "offline") != 1:
            failures.append("mqtt: offline other than by the killed leader's last will")
        for n in names:
            topics = {f"homeassistant/device/{n.replace('-', '_')}/config", f"downtime/device/{n}/state"}
            if not topics <= {topic for t, topic, p in got if t >= kill_start and p}:
                failures.append(f"mqtt: {n}'s config and state not published again by the new leader")
    finally:
        stop.set()
        for c in (a, b):
            c.kill9()
        if proxy:
            proxy.terminate()
            try:
                proxy.wait(5)
            except subprocess.TimeoutExpired:
                proxy.kill()
                proxy.wait()
        sink.shutdown()
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    if failures:
        print("collector a:\n" + "".join(a.output[-30:]))
        print("collector b:\n" + "".join(b.output[-30:]))
    print("two collectors:", "FAILED" if failures else "ok")
    return 1 if failures else 0


T0 = 0.0
if __name__ == "__main__":
    sys.exit(main())
