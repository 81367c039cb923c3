#!/usr/bin/env python3
"""The heartbeat agent people write today, for agent_footprint.py: stdlib only, a timestamp state
file and a urllib POST per beat. It does the same work as downtime-agent (same heartbeat JSON, the
state file written atomically every persist interval) so that only the runtime differs.
Stops on SIGTERM and prints "beats_ok=N beats_failed=M".

usage: py_agent.py URL TOKEN DEVICE STATE_DIR INTERVAL_S PERSIST_S
"""
import datetime
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

stop = False


def on_term(signum, frame):
    global stop
    stop = True


def iso_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_atomically(path, text):
    # tmp, fsync, rename, fsync the folder: the same durability as downtime-agent.
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def main():
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    base, token, device, state_dir = sys.argv[1:5]
    interval, persist = float(sys.argv[5]), float(sys.argv[6])
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot_id = f.read().strip()
    path = os.path.join(state_dir, "state.json")
    try:
        with open(path) as f:
            json.load(f)  # the previous state: a real agent compares against it
    except (OSError, ValueError):
        pass
    url = base + "/api/v1/heartbeat"
    headers = {"Content-Type": "application/json", "Accept": "application/json", "Authorization": "Bearer " + token}
    ok = failed = seq = 0
    last_persist = float("-inf")
    next_at = time.monotonic()
    while not stop:
        tick = time.monotonic()
        now = iso_now()
        uptime = time.clock_gettime(time.CLOCK_BOOTTIME)
        if tick - last_persist >= persist:  # the same rule as downtime-agent: the tick's time, not the write's
            state = {"boot_id": boot_id, "clean_shutdown_at": None, "clock_synced": True,
                     "last_alive": now, "last_alive_uptime": round(uptime, 3)}
            write_atomically(path, json.dumps(state, sort_keys=True) + "\n")
            last_persist = tick
        seq += 1
        beat = {"agent_version": "py-agent", "boot_id": boot_id, "clock_synced": True, "device": device,
                "interval_s": int(interval), "sent_at": now, "seq": seq, "uptime_s": round(uptime, 3)}
        req = urllib.request.Request(url, data=json.dumps(beat).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=3) as resp:
                resp.read()
                ok += 1 if 200 <= resp.status < 300 else 0
                failed += 0 if 200 <= resp.status < 300 else 1
        except (urllib.error.URLError, OSError):
            failed += 1
        next_at += interval
        left = next_at - time.monotonic()
        if left < 0:
            next_at = time.monotonic() + interval
            left = interval
        if not stop:
            time.sleep(left)  # a SIGTERM runs the handler, then the loop ends
    print(f"beats_ok={ok} beats_failed={failed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
