#!/usr/bin/env python3
"""Seeded fuzz of malformed requests against the live collector binary on loopback.

Every fuzzed request is built to be invalid (a wrong type, a value out of range, a missing or unknown field,
broken JSON, deep nesting, huge numbers, invalid UTF-8, an oversize or slow body, a wrong content type,
no/wrong/another device's token, path tricks), so every answer must be a JSON 4xx; GETs with path tricks
may also be a 200 for a real device. Protocol garbage (a broken request line, a huge header) may instead
be answered by the HTTP layer (a 4xx without JSON) or a closed connection. Between them, valid control
heartbeats must keep getting 200. Afterwards the collector must be alive, its database sound, and the
devices and events exactly as before: nothing refused left a trace.

usage: fuzz.py --bin DIR [--seed N] [--count 10000] [--workers 4]
Replay a failure with the printed seed.
"""
import argparse
import json
import os
import random
import shutil
import socket
import sys
import threading
import time
import uuid

import harness

BOOT = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
ENROLL_KEY = "correct-horse-battery"


class Conn:
    """One keep-alive connection with raw bytes out and a minimal HTTP/1.1 response parser."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.buf = b""
        self.got_bytes = False

    def open(self):
        self.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock = None

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, parts, delay=0.0):
        """Sends the request bytes (a list of chunks, `delay` apart); returns (status, headers, body) or None if closed.

        A kept-alive connection the server closed meanwhile (idle timeout) is reopened once, as any client does."""
        reused = self.sock is not None
        res = self._send(parts, delay)
        if res is None and reused and not self.got_bytes:
            res = self._send(parts, delay)
        return res

    def _send(self, parts, delay):
        if self.sock is None:
            self.open()
        self.got_bytes = False
        head_request = parts[0].startswith(b"HEAD ")
        try:
            for i, p in enumerate(parts):
                if i and delay:
                    time.sleep(delay)
                self.sock.sendall(p)
            status_line = self._line()
            self.got_bytes = True
            status = int(status_line.split(b" ")[1])
            headers = {}
            while True:
                line = self._line()
                if not line:
                    break
                k, _, v = line.decode("latin-1").partition(":")
                headers[k.strip().lower()] = v.strip()
            if head_request:
                body = b""
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int(self._line().split(b";")[0], 16)
                    if size == 0:
                        self._line()
                        break
                    body += self._exact(size)
                    self._line()
            else:
                body = self._exact(int(headers.get("content-length", "0")))
            if headers.get("connection", "").lower() == "close":
                self.close()
            return status, headers, body
        except (ConnectionError, OSError):
            self.close()
            return None


def build(method, path, body=None, token=None, content_type="application/json", extra=b""):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode("latin-1", "replace") if isinstance(path, str) \
        else method.encode() + b" " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if token is not None:
        head += f"Authorization: {token}\r\n".encode("latin-1", "replace")
    if body is not None:
        if content_type is not None:
            head += f"Content-Type: {content_type}\r\n".encode()
        head += f"Content-Length: {len(body)}\r\n".encode()
    return head + extra + b"\r\n" + (body or b"")


def heartbeat(device="pi-1", interval=86400):
    return {"device": device, "seq": 5, "boot_id": BOOT, "uptime_s": 100.0, "sent_at": harness.iso(time.time()),
            "clock_synced": True, "interval_s": interval, "agent_version": "fuzz"}


def events(device="pi-1"):
    return {"events": [
        {"id": str(uuid.uuid4()), "device": device, "kind": "outage", "at": "2026-11-22T08:05:00Z", "boot_id": BOOT,
         "cause": "power_loss", "start": "2026-11-22T07:00:00Z", "end": "2026-11-22T08:04:30Z", "duration_s": 3870,
         "precision_s": 60, "clock_synced": True},
        {"id": str(uuid.uuid4()), "device": device, "kind": "clock_jump", "at": "2026-11-22T08:06:00Z",
         "boot_id": BOOT, "delta_s": 3600}]}


# Values that are wrong for a field whatever it holds, by the field's type.
WRONG_TYPE = {
    "str": [1, 1.5, True, None, [], {}, ["pi-1"]],
    "int": ["1", True, None, [], {}, 1.5, -1, "NaN"],
    "num": ["1", True, None, [], {}, -1, -0.5],
    "bool": [1, 0, "true", None, [], {}],
}
HB_FIELDS = {"device": "str", "seq": "int", "boot_id": "str", "uptime_s": "num", "sent_at": "str",
             "clock_synced": "bool", "interval_s": "int", "agent_version": "str"}
OUT_OF_RANGE = {
    "device": ["", "../etc", "a/b", "pi-1/../pi-2", "-pi", ".hidden", "x" * 64, "pi 1", "pi\u0000", "π", "pi%2F1",
               "\u212a" * 64 + "x"],
    "seq": [-1, 9007199254740993, 10 ** 30, 1e300, 0.5],
    "boot_id": ["", "XYZ", "0B5D", "x" * 65, "ab cd", "../"],
    "uptime_s": [-1, 1e308, 3153600001],
    "sent_at": ["1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "2026-11-22 08:00:00",
                "2026-11-22T08:00:00", "yesterday", "", "2026-11-22T24:00:00Z", "2026-11-22T08:00:00+25:00"],
    "interval_s": [0, -10, 86401, 10 ** 20],
    "agent_version": ["", "x" * 65, "a\u0001b", "tab\there", "\u007f"],
}
EVENT_BAD = [
    lambda e: e.update(kind="flip"),
    lambda e: e.update(kind="collector_down"),
    lambda e: e.update(kind="reboot"),
    lambda e: e.update(id="not-a-uuid"),
    lambda e: e.pop("id"),
    lambda e: e.pop("boot_id"),
    lambda e: e.update(at="1969-12-31T23:59:59Z"),
    lambda e: e.update(device="pi-2"),
    lambda e: e.update(device="../pi-1"),
    lambda e: e.update(extra=True),
]
OUTAGE_BAD = [
    lambda e: e.update(end="2026-11-22T06:00:00Z"),  # before start
    lambda e: e.pop("start"),  # only cause unknown may lack it
    lambda e: e.pop("end"),  # no end and no uptime
    lambda e: e.update(cause="meteor"),
    lambda e: e.update(precision_s=86401),
    lambda e: e.update(duration_s=-5),
]


class Fuzzer:
    def __init__(self, rng, tokens):
        self.rng = rng
        self.t1, self.t2 = tokens

    def auth(self):
        return f"Bearer {self.t1}"

    def body_json(self, obj):
        return json.dumps(obj).encode()

    def bad_heartbeat(self):
        """A heartbeat body broken in one way; returns (bytes, label)."""
        r = self.rng
        hb = heartbeat()
        kind = r.randrange(9)
        if kind == 0:
            f = r.choice(list(HB_FIELDS))
            hb[f] = r.choice(WRONG_TYPE[HB_FIELDS[f]])
            return self.body_json(hb), f"wrong type {f}"
        if kind == 1:
            f = r.choice(list(OUT_OF_RANGE))
            hb[f] = r.choice(OUT_OF_RANGE[f])
            return self.body_json(hb), f"out of range {f}"
        if kind == 2:
            hb.pop(r.choice(list(HB_FIELDS)))
            return self.body_json(hb), "missing field"
        if kind == 3:
            hb[r.choice(["admin", "Device", "seq ", "interval", "__proto__", "x" * 1000])] = 1
            return self.body_json(hb), "unknown field"
        if kind == 4:
            text = self.body_json(hb)
            return text[:r.randrange(0, len(text) - 1)], "truncated JSON"
        if kind == 5:
            depth = r.choice([100, 1000, 10000, 30000])
            return (b"[" * depth + b"]" * depth) if r.random() < 0.5 else \
                self.body_json(hb).replace(b'"fuzz"', b"[" * depth + b"]" * depth), f"deep nesting {depth}"
        if kind == 6:
            f = r.choice(["seq", "uptime_s", "interval_s"])
            digits = r.choice([20, 400, 5000])
            text = self.body_json(hb).replace(f'"{f}": {json.dumps(hb[f])}'.encode(), f'"{f}": 1{"0" * digits}'.encode())
            return text, f"huge number {f}"
        if kind == 7:
            bad = r.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf",
                            b"\\ud800", b"\\udfff\\ud800"])  # raw bytes, then lone surrogates as escapes
            f = r.choice([b'"fuzz"', b'"pi-1"', b'"boot_id"'])
            return self.body_json(hb).replace(f, f[:-1] + bad + b'"'), "invalid UTF-8"
        return r.choice([b"", b"null", b"[]", b'"text"', b"{", b"}", b"{}", b"NaN", b"{'device': 'pi-1'}",
                         self.body_json(hb) + b"garbage", b"\xef\xbb\xbf" + b"{}", b"/* c */{}",
                         self.body_json([hb]), b"{\"device\":\"pi-1\",}"]), "bad JSON"

    def bad_events(self):
        r = self.rng
        batch = events()
        kind = r.randrange(6)
        if kind == 0:
            r.choice(EVENT_BAD)(r.choice(batch["events"]))
            return self.body_json(batch), "bad event"
        if kind == 1:
            r.choice(OUTAGE_BAD)(batch["events"][0])
            return self.body_json(batch), "bad outage"
        if kind == 2:
            return self.body_json(r.choice([{"events": []}, {"events": {}}, {"events": None}, {"event": batch["events"]},
                                            {"events": batch["events"], "more": 1}, batch["events"]])), "bad batch"
        if kind == 3:
            e = batch["events"][1]
            return self.body_json({"events": [dict(e, id=str(uuid.uuid4())) for _ in range(501)]}), "501 events"
        if kind == 4:
            e = batch["events"][1]
            e[r.choice(["delta_s", "at", "boot_id"])] = r.choice(WRONG_TYPE["num"] + WRONG_TYPE["str"])
            e["delta_s"] = e["delta_s"] if not isinstance(e["delta_s"], (int, float)) or isinstance(e["delta_s"], bool) \
                else 1e400 if r.random() < 0.5 else -4e9
            return self.body_json(batch).replace(b"Infinity", b"1e400"), "bad clock_jump"
        text = self.body_json(batch)
        return text[:r.randrange(1, len(text) - 1)], "truncated batch"

    def next(self):
        """One fuzzed request: (list of byte chunks, delay, label, kind) with kind in json4xx / get / protocol."""
        r = self.rng
        roll = r.random()
        if roll < 0.35:
            body, label = self.bad_heartbeat()
            return [build("POST", "/api/v1/heartbeat", body, self.auth())], 0, "heartbeat: " + label, "json4xx"
        if roll < 0.55:
            body, label = self.bad_events()
            return [build("POST", "/api/v1/events", body, self.auth())], 0, "events: " + label, "json4xx"
        if roll < 0.62:
            return self.bad_auth()
        if roll < 0.66:
            return self.bad_content()
        if roll < 0.68:
            body = json.dumps({"device": "pi-new", "enrollment_key": r.choice(["wrong-key-1234", "", ENROLL_KEY + "x",
                                                                             ENROLL_KEY.upper(), 5])}).encode()
            return [build("POST", "/api/v1/enroll", body)], 0, "enroll: wrong key", "json4xx"
        if roll < 0.69:
            return self.slow()
        if roll < 0.70:
            return self.oversize()
        if roll < 0.97:
            return self.path_trick()
        return self.protocol_garbage()

    def bad_auth(self):
        r = self.rng
        hb = self.body_json(heartbeat())
        kind = r.randrange(8)
        token = [None, "Bearer", "Bearer ", f"Basic {self.t1}", "Bearer dtm_wrong", f"Bearer {self.t1}x",
                 "Bearer " + "a" * 300, f"Bearer {self.t2}"][kind]
        path = r.choice(["/api/v1/heartbeat", "/api/v1/events"])
        body = hb if path.endswith("heartbeat") else self.body_json(events())
        return [build("POST", path, body, token)], 0, f"auth case {kind} on {path}", "json4xx"

    def bad_content(self):
        r = self.rng
        ct = r.choice([None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                       "application/jsonx", "json", "application/xml"])
        return [build("POST", "/api/v1/heartbeat", self.body_json(heartbeat()), self.auth(), content_type=ct)], 0, \
            f"content type {ct}", "json4xx"

    def slow(self):
        """A slow body (a broken heartbeat in 4 pieces, 40 ms apart)."""
        body, label = self.bad_heartbeat()
        req = build("POST", "/api/v1/heartbeat", body, self.auth())
        n = len(req)
        cuts = sorted(self.rng.sample(range(1, n), min(3, n - 1))) if n > 4 else []
        parts = [req[a:b] for a, b in zip([0] + cuts, cuts + [n])]
        return parts, 0.04, "slow body: " + label, "json4xx"

    def oversize(self):
        r = self.rng
        size = r.choice([65 * 1024, 200 * 1024, 1024 * 1024])
        body = b'{"device":"' + b"a" * size + b'"}'
        return [build("POST", r.choice(["/api/v1/heartbeat", "/api/v1/events", "/api/v1/enroll"]), body, self.auth())], \
            0, f"oversize {size}", "json4xx"

    def path_trick(self):
        r = self.rng
        name = r.choice([
            "..", "../pi-1", "..%2Fpi-1", "..%2fetc%2fpasswd", "pi-1%2F..%2Fpi-2", "%2e%2e", "%2E%2E%2F", "pi-1%252F",
            "%252e%252e", "pi-1%00", "%00", "pi%20-1", "PI-1%2f", "%c0%ae%c0%ae", "%ff", "%", "%zz", "pi-1;x",
            "pi-1%3Bx", "<script>", "%3Cscript%3E", "x" * 64, "x" * 5000, "%e2%84%aa", "nobody", ".pi", "-pi",
            "pi-1%0d%0aX-Injected:%201", "pi-1#frag", "%23", "pi-1%3F", "'%20OR%201=1"])
        tail = r.choice(["", "/events", "/log.txt", "/log.csv", "/events?limit=0", "/events?limit=1e9",
                         "/events?since=%ff", "/events?cursor=-1", "/events?cursor=99999999999999999999999"])
        prefix = r.choice(["/api/v1/devices/", "/devices/", "/api/v1//devices/", "/api/v1/devices/./"])
        if prefix == "/devices/" and tail.startswith("/events"):
            tail = "/log.txt"
        query = r.choice(["", "", "?limit=abc", "?limit=-1", "?limit=100000", "?cursor=%00", "?cursor=..%2F",
                          "?q=%3Cscript%3E", "?limit=1&limit=2"])
        roll = r.random()
        if roll < 0.75:
            path = prefix + name + tail
        elif roll < 0.85:
            path = r.choice(["/ping/", "/ping/dtm_", "/badge/"]) + name + r.choice(["", "/fail", ".svg", ".json", "/x"])
        else:
            path = "/api/v1/devices" + query
        return [build(r.choice(["GET", "GET", "GET", "HEAD"]) if "?" not in path else "GET", path)], 0, \
            f"path {path[:120]}", "get"

    def protocol_garbage(self):
        r = self.rng
        kind = r.randrange(6)
        if kind == 0:
            return [b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n"], 0, "NUL in request line", "protocol"
        if kind == 1:
            return [build("GET", "/healthz", extra=b"X-Big: " + b"a" * 100_000 + b"\r\n")], 0, "100 KB header", "protocol"
        if kind == 2:
            return [b"POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"], 0, "negative length", \
                "protocol"
        if kind == 3:
            return [b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n"], 0, "unknown method", "protocol"
        if kind == 4:
            return [b"POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    b"Content-Type: application/json\r\nAuthorization: Bearer " + self.t1.encode() +
                    b"\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"], 0, "bad chunk size", "protocol"
        return [b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"], 0, "HTTP/9.9", "protocol"


def check(kind, res, label, devices):
    """None when the answer is acceptable for a request of `kind`, else why not."""
    if res is None:
        return None if kind == "protocol" else "connection closed without an answer"
    status, headers, body = res
    if status >= 500:
        return f"{status} {body[:200]!r}"
    if kind == "protocol":
        return None if 400 <= status < 500 else f"{status} for protocol garbage"
    is_json = headers.get("content-type", "").startswith("application/json")
    if kind == "get" and status == 200:
        if label.startswith("path /api/v1/devices/"):
            try:
                name = json.loads(body)["name"]
            except (ValueError, KeyError, TypeError):
                return "200 without a device"
            if name not in devices:
                return f"200 for {name!r}"
        return None
    if not 400 <= status < 500:
        return f"{status} (expected a 4xx)"
    if headers.get("x-injected"):
        return "header injection"
    if label.startswith("path") and label.endswith("HEAD"):
        return None
    if not is_json:
        return f"{status} without JSON ({headers.get('content-type')})"
    if body:
        try:
            err = json.loads(body)
        except ValueError:
            return f"{status} with a body that is not JSON: {body[:100]!r}"
        if not isinstance(err, dict) or not isinstance(err.get("error"), str) or not err["error"]:
            return f"{status} with {body[:100]!r}"
    elif not label.startswith("path"):  # a HEAD answer has no body
        return f"{status} with an empty body"
    if status == 429 and "retry-after" not in headers:
        return "429 without Retry-After"
    if status == 401 and headers.get("www-authenticate") != "Bearer":
        return "401 without WWW-Authenticate: Bearer"
    return None


def snapshot(db):
    devices = harness.sqlite_rows(db, "SELECT name, token_hash, created_at, paused, interval_override, tags, status, "
                                      "status_since FROM device ORDER BY name")
    rows = harness.sqlite_rows(db, "SELECT seq, id, device, kind, at, received_at, body FROM event ORDER BY seq")
    return devices, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=4)
    a = ap.parse_args()
    print(f"fuzz seed {a.seed} (replay: fuzz.py --seed {a.seed} --count {a.count} --workers {a.workers})", flush=True)
    data = harness.temp_dir("fuzz")
    db = os.path.join(data, "downtime.sqlite")
    col = harness.Collector(a.bin, data, env={"DOWNTIME_ENROLLMENT_KEY": ENROLL_KEY})
    failures = []
    try:
        t1 = harness.add_device(a.bin, data, "pi-1")
        t2 = harness.add_device(a.bin, data, "pi-2")
        col.start()
        # A known state: pi-1 up (a day-long interval, so it stays up), one batch of events stored.
        assert harness.request(col.port, "POST", "/api/v1/heartbeat", heartbeat(), token=t1)[0] == 200
        assert harness.request(col.port, "POST", "/api/v1/events", events(), token=t1)[0] == 200
        before = snapshot(db)
        list_before = harness.device_list(a.bin, data)

        counts = {"json4xx": 0, "get": 0, "protocol": 0}
        statuses = {}
        controls = [0, 0]  # sent, answered 200
        lock = threading.Lock()
        per_worker = a.count // a.workers
        started = time.monotonic()

        def worker(w):
            rng = random.Random(a.seed * 1000 + w)
            fz = Fuzzer(rng, (t1, t2))
            conn = Conn(col.port)
            control = Conn(col.port)
            for i in range(per_worker):
                parts, delay, label, kind = fz.next()
                if label.startswith("path") and parts[0].startswith(b"HEAD"):
                    label += " HEAD"
                res = conn.send(parts, delay)
                why = check(kind, res, label, ("pi-1", "pi-2"))
                with lock:
                    counts[kind] += 1
                    key = res[0] if res else "closed"
                    statuses[key] = statuses.get(key, 0) + 1
                    if why:
                        failures.append(f"worker {w} request {i}: {label}: {why}")
                if i % 250 == 0:
                    # A well-behaved agent in the middle of it all is still answered (spaced out so that
                    # all workers' controls together stay under the per-device rate limit).
                    ok = control.send([build("POST", "/api/v1/heartbeat", json.dumps(heartbeat()).encode(),
                                             f"Bearer {t1}")])
                    with lock:
                        controls[0] += 1
                        controls[1] += 1 if ok and ok[0] == 200 else 0
                        if not ok or ok[0] != 200:
                            failures.append(f"control heartbeat: {ok[0] if ok else 'closed'} {ok[2][:100] if ok else ''}")
            conn.close()
            control.close()

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(a.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        total = sum(counts.values())
        print(f"fuzzed {total} requests in {elapsed:.1f} s ({counts['json4xx']} malformed posts, {counts['get']} path "
              f"tricks, {counts['protocol']} protocol garbage); statuses {dict(sorted(statuses.items(), key=str))}")
        print(f"control heartbeats: {controls[1]}/{controls[0]} answered 200")
        if controls[1] != controls[0]:
            failures.append("a control heartbeat was not answered 200")
        if not col.alive():
            failures.append("the collector died:\n" + "".join(col.output[-30:]))
        if any("request failed" in line for line in col.output):
            failures.append("the collector logged an internal error:\n" + "".join(col.output[-30:]))
        after_live = snapshot(db)
        code = col.stop()
        if code != 0:
            failures.append(f"the collector exited {code} on SIGTERM")
        after = snapshot(db)
        for name, snap in (("while running", after_live), ("after stop", after)):
            if snap != before:
                failures.append(f"store changed by refused requests ({name}): devices {before[0] != snap[0]}, "
                                f"events {len(before[1])} -> {len(snap[1])}")
        if harness.device_list(a.bin, data) != list_before:
            failures.append("device list changed")
        integrity = harness.sqlite_rows(db, "PRAGMA integrity_check")
        if integrity != [("ok",)]:
            failures.append(f"integrity_check {integrity}")
        print(f"store unchanged: {len(before[0])} devices, {len(before[1])} events; integrity_check "
              f"{integrity[0][0] if integrity else '?'}")
        if total < a.count - a.workers:
            failures.append(f"only {total} requests sent")
    finally:
        col.kill9()
        shutil.rmtree(data, ignore_errors=True)
    for f in failures[:40]:
        print("FAIL:", f)
    print(f"fuzz: {'OK' if not failures else f'{len(failures)} failures'} (seed {a.seed})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
