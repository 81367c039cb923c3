#!/usr/bin/env python3
"""Runs schemathesis from collector/openapi.yaml against the live collector binary.

Checks: no 5xx, status codes, content types, headers and bodies as documented, schema-violating
requests refused, 401 without the token, 405 for undocumented methods. Not checked: that every
schema-valid request is accepted (JSON Schema cannot say "end after start", nor the 2020-2100 instant
range across zone offsets). Bounded by --max-time; the seed makes the generated cases repeatable.

usage: schemathesis_run.py --bin DIR --venv DIR [--seed N] [--max-time S]
"""
import argparse
import os
import shutil
import subprocess
import sys

import harness

CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "negative_data_rejection", "missing_required_header", "ignored_auth",
    "unsupported_method",
])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--venv", required=True)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--max-time", type=int, default=60)
    a = ap.parse_args()
    spec = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "collector", "openapi.yaml")
    st = os.path.join(os.path.abspath(a.venv), "bin", "schemathesis")
    if not os.path.exists(st):
        sys.exit(f"schemathesis not installed in {a.venv} (make fuzz-deps)")
    data = harness.temp_dir("schemathesis")
    col = harness.Collector(a.bin, data, env={"DOWNTIME_ENROLLMENT_KEY": "correct-horse-battery"})
    try:
        token = harness.add_device(a.bin, data, "pi-1")
        harness.add_device(a.bin, data, "pi-2")
        col.start()
        print(f"schemathesis seed {a.seed}, max time {a.max_time} s, collector on port {col.port}", flush=True)
        config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")
        cmd = harness.DIE_WITH_PARENT + [st, "--config-file", config, "run", spec, "--url", f"http://127.0.0.1:{col.port}", "--header", f"Authorization: Bearer {token}",
               "--checks", CHECKS, "--seed", str(a.seed), "--max-time", str(a.max_time), "--workers", "1",
               "--request-timeout", "10", "--no-color", "--generation-database", "none",
               "--suppress-health-check", "all", "--max-failures", "20"]
        # Run from the data folder: schemathesis may leave a report folder behind.
        r = subprocess.run(cmd, cwd=data, capture_output=True, text=True, timeout=a.max_time + 240)
        out = r.stdout + r.stderr
        lines = [line if len(line) < 600 else line[:600] + " ...(cut)" for line in out.splitlines()]
        print("\n".join(lines if r.returncode != 0 else lines[-25:]))
        ok = True
        if r.returncode != 0:
            print(f"FAIL: schemathesis exited {r.returncode}")
            ok = False
        if not col.alive():
            print("FAIL: the collector died during the run:\n" + "".join(col.output[-30:]))
            ok = False
        if "request failed" in "".join(col.output):
            print("FAIL: the collector logged an internal error:\n" + "".join(col.output[-30:]))
            ok = False
        code = col.stop()
        if code != 0:
            print(f"FAIL: the collector exited {code} on SIGTERM")
            ok = False
        check = harness.sqlite_rows(os.path.join(data, "downtime.sqlite"), "PRAGMA integrity_check")
        if check != [("ok",)]:
            print(f"FAIL: integrity_check {check}")
            ok = False
        print("schemathesis run: " + ("OK" if ok else "FAILED"))
        sys.exit(0 if ok else 1)
    finally:
        col.kill9()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
