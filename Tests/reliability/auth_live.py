#!/usr/bin/env python3
"""Auth against the live collector binary: 401 without or with a wrong token, 403 with another device's,
a wrong enrollment key 403 then 429 (with Retry-After) per client address, another address unaffected.

Loopback has many addresses (127.0.0.0/8), so two clients are told apart by their source address.

usage: auth_live.py --bin DIR
"""
import argparse
import http.client
import json
import os
import shutil
import sys

import harness

KEY = "correct-horse-battery"


def post(port, path, body, token=None, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("POST", path, body=json.dumps(body), headers=headers)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(r.read() or b"{}")
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    data = harness.temp_dir("auth")
    col = harness.Collector(a.bin, data, env={"DOWNTIME_ENROLLMENT_KEY": KEY})
    failures = []

    def expect(what, got, want):
        ok = got == want
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {got}")
        if not ok:
            failures.append(f"{what}: got {got}, want {want}")

    try:
        t1 = harness.add_device(a.bin, data, "pi-1")
        t2 = harness.add_device(a.bin, data, "pi-2")
        col.start()
        p = col.port
        beat = harness.heartbeat("pi-1")
        s, h, _ = post(p, "/api/v1/heartbeat", beat)
        expect("no token", (s, h.get("www-authenticate")), (401, "Bearer"))
        expect("wrong token", post(p, "/api/v1/heartbeat", beat, token="dtm_" + "A" * 43)[0], 401)
        expect("another device's token", post(p, "/api/v1/heartbeat", beat, token=t2)[0], 403)
        expect("own token", post(p, "/api/v1/heartbeat", beat, token=t1)[0], 200)

        wrong = {"device": "pi-new", "enrollment_key": "not-the-key-at-all"}
        expect("5 wrong enrollment keys", [post(p, "/api/v1/enroll", wrong)[0] for _ in range(5)], [403] * 5)
        s, h, body = post(p, "/api/v1/enroll", wrong)
        expect("6th attempt", (s, h.get("retry-after"), "error" in body), (429, "12", True))
        expect("right key, same address", post(p, "/api/v1/enroll", {"device": "pi-new", "enrollment_key": KEY})[0], 429)
        expect("wrong key, another address", post(p, "/api/v1/enroll", wrong, source="127.0.0.2")[0], 403)
        s, _, body = post(p, "/api/v1/enroll", {"device": "pi-new", "enrollment_key": KEY}, source="127.0.0.2")
        expect("right key, another address", s, 200)
        token = body.get("token", "")
        expect("the enrolled token works", post(p, "/api/v1/heartbeat", harness.heartbeat("pi-new"), token=token)[0], 200)
        col.stop()
        # Only hashes are stored: no token appears in the database or its WAL.
        blobs = b"".join(open(os.path.join(data, f), "rb").read() for f in os.listdir(data) if f.startswith("downtime.sqlite"))
        expect("tokens in the database files", [t for t in (t1, t2, token) if t.encode() in blobs], [])
    finally:
        col.kill9()
        shutil.rmtree(data, ignore_errors=True)
    print("auth: " + ("OK" if not failures else f"{len(failures)} failures"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
