#!/usr/bin/env python3
"""The randomized compound-fault campaign (issue 26): the real collector and real agents in several sites on
loopback, faults drawn from a seed and overlapping, a ground truth kept by the harness, and afterwards every
promise of docs/DESIGN.md it covers checked from the API, the device pages, the webhook messages and the SQLite
file. One line per broken promise, then `campaign: seed S, N faults, V violations`; exit status 1 on any.

usage: campaign.py --bin DIR --seed S --faults N [--work DIR]
       campaign.py --bin DIR --seeds 1,2,3 --faults N [--work DIR]   (several seeds, one after the other)

The work folder is kept (schedule.json, truth.jsonl, messages.jsonl, violations.txt, collector.log, each
agent's log): the same seed gives the same schedule. Needs root (a tmpfs per agent state folder) and Debian's
libfaketime (`faketime` package) for the collector's clock steps. See README.md.
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import checks  # noqa: E402
import faults  # noqa: E402
import jobs  # noqa: E402
import world  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "reliability"))
import harness  # noqa: E402

CFG = dict(interval=1, persist=3, misses=2, grace=1, settle=6, group_window=10)


class World:
    pass


def wait_for(what, pred, limit=60):
    until = time.monotonic() + limit
    while True:
        try:
            if pred():
                return
        except OSError:
            pass
        if time.monotonic() > until:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.3)


def run_seed(bin_dir, seed, count, work, sites_n, per_site, spacing, skip=(), postgres=False):
    os.makedirs(work, exist_ok=True)
    t_begin = time.time()
    names = {f"site-{chr(ord('a') + s)}": [f"pi-{chr(ord('a') + s)}{k + 1}" for k in range(per_site)]
             for s in range(sites_n)}
    devices = [d for ds in names.values() for d in ds]
    specs = faults.schedule(seed, count, devices, names, spacing, skip, postgres)
    with open(os.path.join(work, "schedule.json"), "w") as f:
        json.dump(dict(seed=seed, faults=count, config=CFG, sites=names, spacing=spacing, skip=sorted(skip),
                       postgres=postgres, schedule=specs), f, indent=1)
    w = World()
    w.persist = CFG["persist"]
    w.truth = world.Truth(os.path.join(work, "truth.jsonl"))
    w.devices = {}
    w.collector = None
    sink = None
    broker = None
    data = os.path.join(work, "data")
    # The store: SQLite in the data folder, or a fresh PostgreSQL database the harness may restart.
    database = harness.postgres_database(f"campaign_{seed}") if postgres else None
    w.postgres_ctl = os.environ.get("DOWNTIME_TEST_POSTGRES_CTL")
    store = ["--database", database] if database else ["--data-dir", data]
    try:
        tokens = {}
        for d in devices:
            tokens[d] = world.cli(bin_dir, "device", "add", d, *store).strip().splitlines()[-1]
        for site, ds in names.items():
            for d in ds:
                world.cli(bin_dir, "device", "site", d, site, *store)
        # One job per site, on its first device, run while the faults play (`jobs.py`).
        job_devices = [ds[0] for ds in names.values()]
        for d in job_devices:
            world.cli(bin_dir, "job", "add", jobs.job_name(d), "--device", d, "--every", "1h", *store)
        sink = world.Sink(os.path.join(work, "messages.jsonl"))
        w.clock = world.FakeClock(os.path.join(work, "faketime"))
        sync = os.path.join(work, "collector-synchronized")
        open(sync, "w").close()
        port = world.free_port()
        broker = harness.Mosquitto(work)
        env = dict(w.clock.env(), DOWNTIME_MQTT_URL=f"mqtt://127.0.0.1:{broker.port}",
                   DOWNTIME_MISSES=str(CFG["misses"]), DOWNTIME_GRACE=str(CFG["grace"]),
                   DOWNTIME_NOTIFY=f"hook=webhook http://127.0.0.1:{sink.port}/hook",
                   DOWNTIME_NOTIFY_SETTLE=str(CFG["settle"]), DOWNTIME_NOTIFY_DAMP_MINUTES="0",
                   DOWNTIME_CLOCK_SYNC_FILE=sync, **({"DOWNTIME_DATABASE": database} if database else {}))
        w.collector = world.Collector(bin_dir, data, port, env, os.path.join(work, "collector.log")).start()
        for site, ds in names.items():
            for d in ds:
                proxy = world.Proxy(port, d)
                w.devices[d] = world.Device(work, bin_dir, d, site, tokens[d], proxy, CFG["interval"], CFG["persist"])
        for dev in w.devices.values():
            dev.new_boot(600.0)
            dev.start()
        wait_for("every agent up", lambda: all(v["status"] == "up" for v in w.collector.get_json(
            "/api/v1/devices?limit=1000")["devices"]))
        time.sleep(CFG["persist"] + 1)  # every agent has persisted its state once
        w.truth.note("run_start", seed=seed, faults=count)
        runner = faults.Runner(w, specs)
        players = [jobs.JobPlayer(w, w.devices[d], seed).start() for d in job_devices]
        t0 = time.time()
        print(f"campaign: seed {seed}: {count} faults on {len(devices)} agents in {len(names)} sites, "
              f"work folder {work}", flush=True)
        runner.play(t0)
        for p in players:
            p.stop()
        w.truth.note("faults_done")
        # Everything back: every agent running, every proxy passing; then the reports, incidents and messages.
        for dev in w.devices.values():
            if not dev.running():
                w.truth.note("harness_error", error=f"{dev.name} not running after the faults")
                dev.start()
        wait_for("every device up again", lambda: all(v["status"] == "up" for v in w.collector.get_json(
            "/api/v1/devices?limit=1000")["devices"]), limit=90)
        time.sleep(CFG["settle"] + CFG["group_window"] + 6)
        run_end = time.time()
        rec = checks.Recorded(w.collector, devices)
        rec.jobs = {jobs.job_name(d): w.collector.get_json(f"/api/v1/jobs/{jobs.job_name(d)}") for d in job_devices}
        mqtt = broker.retained()
        outboxes = {d: dev.outbox_files() for d, dev in w.devices.items()}
        starts = {d: dev.starts for d, dev in w.devices.items()}
        for dev in w.devices.values():
            dev.kill(signal.SIGKILL)
        w.collector.terminate()
        with open(os.path.join(work, "recorded.json"), "w") as f:
            json.dump(dict(outages=rec.outages, incidents=rec.incidents, collector=rec.collector,
                           devices=rec.device_views, events=rec.events, incident_pages=rec.incident_pages,
                           agent_starts=starts, outboxes=outboxes, run_end=run_end, mqtt=mqtt, jobs=rec.jobs,
                           harness_errors=runner.errors), f, indent=1)
        return check(work, seed, count, t_begin)
    finally:
        for dev in w.devices.values():
            dev.kill(signal.SIGKILL)
            dev.proxy.close()
            dev.disk.unmount()
        if w.collector:
            w.collector.kill9()
        if sink:
            sink.close()
        if broker:
            broker.stop()


def check(work, seed=None, count=None, t_begin=None):
    """Checks one seed's work folder (after a run, or again with --recheck after a change of the checks)."""
    sched = json.load(open(os.path.join(work, "schedule.json")))
    seed = sched["seed"] if seed is None else seed
    count = sched["faults"] if count is None else count
    truth = [json.loads(line) for line in open(os.path.join(work, "truth.jsonl"))]
    r = json.load(open(os.path.join(work, "recorded.json")))
    rec = checks.Recorded.__new__(checks.Recorded)
    rec.outages, rec.incidents, rec.collector = r["outages"], r["incidents"], r["collector"]
    rec.device_views, rec.events = r["devices"], r["events"]
    rec.incident_pages = {k: tuple(v) for k, v in r["incident_pages"].items()}
    rec.mqtt = r.get("mqtt")  # None in a work folder from before MQTT: not checked
    rec.jobs = r.get("jobs")  # None in a work folder from before jobs: not checked
    try:
        messages = [json.loads(line) for line in open(os.path.join(work, "messages.jsonl"))]
    except FileNotFoundError:
        messages = []
    checker = checks.Checker(truth, sched["config"], sched["sites"], rec, messages, r["agent_starts"], r["outboxes"],
                             os.path.join(work, "data", "downtime.sqlite"), r["run_end"])
    checker.run()
    if not sched.get("postgres"):
        checker.check_integrity()
    violations = checker.v
    for t in truth:
        if t["what"] == "harness_error":
            violations.append(checks.Violation("harness-error", None, t.get("n"), t["error"]))
    lines = [v.line() for v in violations]
    took = f"{time.time() - t_begin:.0f} s, " if t_begin else ""
    summary = f"campaign: seed {seed}, {count} faults, {len(violations)} violations ({took}work folder {work})"
    with open(os.path.join(work, "violations.txt"), "w") as f:
        f.write("\n".join(lines + [summary]) + "\n")
    for line in lines:
        print(line)
    print(summary, flush=True)
    return len(violations)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", help="folder of downtime-collector and downtime-agent")
    ap.add_argument("--seed", type=int, default=26)
    ap.add_argument("--seeds", help="comma-separated seeds, run one after the other")
    ap.add_argument("--faults", type=int, default=60, help="faults per seed")
    ap.add_argument("--work", help="work folder (kept); default a new one under /tmp")
    ap.add_argument("--sites", type=int, default=3)
    ap.add_argument("--per-site", type=int, default=3)
    ap.add_argument("--spacing", type=float, default=2.4, help="mean seconds between planned fault starts")
    ap.add_argument("--skip", default="", help="fault kinds left out, comma-separated (a different schedule)")
    ap.add_argument("--recheck", metavar="WORK", help="check a kept work folder again (no run)")
    ap.add_argument("--postgres", action="store_true",
                    help="the collector on PostgreSQL, restarted among the faults (run under Tests/postgres/with-postgres.sh)")
    a = ap.parse_args()
    if a.recheck:
        return 1 if check(a.recheck) else 0
    if not a.bin:
        ap.error("--bin is required")
    if os.geteuid() != 0:
        print("campaign: needs root (a tmpfs per agent state folder)")
        return 2
    if not os.path.exists(world.LIBFAKETIME):
        print("campaign: libfaketime is missing (apt-get install faketime)")
        return 2
    for exe in ("downtime-collector", "downtime-agent"):
        if not os.access(os.path.join(a.bin, exe), os.X_OK):
            print(f"campaign: no {exe} in {a.bin}")
            return 2
    if a.postgres and not (os.environ.get("DOWNTIME_TEST_POSTGRES_URL") and os.environ.get("DOWNTIME_TEST_POSTGRES_CTL")):
        print("campaign: --postgres runs under Tests/postgres/with-postgres.sh (DOWNTIME_TEST_POSTGRES_URL and _CTL)")
        return 2
    seeds = [int(s) for s in a.seeds.split(",")] if a.seeds else [a.seed]
    base = a.work or tempfile.mkdtemp(prefix="dtm-campaign-")
    total, faults_total = 0, 0
    for seed in seeds:
        work = os.path.join(base, f"seed-{seed}") if len(seeds) > 1 else base
        skip = {k for k in a.skip.split(",") if k}
        unknown = skip - set(faults.KINDS)
        if unknown:
            ap.error(f"unknown fault kinds: {', '.join(sorted(unknown))}")
        total += run_seed(a.bin, seed, a.faults, work, a.sites, a.per_site, a.spacing, skip, a.postgres)
        faults_total += a.faults
    if len(seeds) > 1:
        print(f"campaign: seeds {','.join(map(str, seeds))}, {faults_total} faults, {total} violations")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
