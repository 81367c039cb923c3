"""The fault catalogue, the seeded schedule, and the runner that plays it with faults overlapping.

The schedule is a pure function of (seed, count, devices, sites): every fault's kind, target, planned start and
parameters are drawn from `random.Random(seed)`, so the same seed replays the same schedule. When it actually
starts depends on the run (a fault waits for its devices while an earlier fault holds them); the ground truth
records the moments the harness really acted, from its own clock.

Resources: each device, and `collector` (one collector fault at a time). A fault holds its resources from the
first action to a short quiet time after the last (the agent's report arrives, the up flip is recorded), so two
faults on one device never blur each other's truth; faults on other devices, sites and the collector overlap
freely. Kinds with weight 0 are designed in but not played yet (UPS mains-out with a NUT dummy-ups, a
PostgreSQL restart): a fault kind is a function `run(world, spec)` and an entry in KINDS.
"""
import random
import signal
import subprocess
import threading
import time

# kind: (weight, target) - target "device", "site", "devices" (a device or a whole site) or "collector".
KINDS = {
    "power_loss": (12, "device"),      # agent kill -9, then a new boot (power loss or crash)
    "site_power": (5, "site"),         # a whole site's power at once
    "flicker": (4, "device"),          # 2 to 3 cuts within a minute
    "clean_reboot": (6, "device"),     # SIGTERM, then a new boot
    "agent_stop": (5, "device"),       # SIGTERM, start again in the same boot
    "agent_kill": (5, "device"),       # kill -9, start again in the same boot
    "net_cut": (8, "devices"),         # refused or held connections, sometimes a reboot inside
    "disk_ro": (3, "device"),          # the agent's state folder read-only
    "disk_full": (3, "device"),        # the agent's state folder full
    "collector_kill": (3, "collector"),  # kill -9 and restart
    "clock_step": (3, "collector"),    # the collector's wall clock stepped forward, then back to real time
    "collector_hang": (3, "collector"),  # SIGSTOP while agents send, then SIGCONT
    "ups_mains_out": (0, "site"),      # later: NUT dummy-ups on battery for a site
    "postgres_restart": (0, "collector"),  # the PostgreSQL server stopped or killed, then started (--postgres)
}


# With `--postgres` (the collector on a PostgreSQL server the harness may restart) the database restart is played.
POSTGRES_WEIGHT = 3


def schedule(seed, count, devices, sites, spacing, skip=(), postgres=False):
    """`count` faults: kind, target and parameters, planned `spacing` seconds apart on average; `skip` leaves kinds
    out (another schedule than the seed's full one: say so when replaying)."""
    rng = random.Random(seed)
    weight = {k: (POSTGRES_WEIGHT if k == "postgres_restart" and postgres else w) for k, (w, _) in KINDS.items()}
    kinds = [k for k in KINDS if weight[k] > 0 and k not in skip]
    weights = [weight[k] for k in kinds]
    at = sorted(rng.uniform(0, count * spacing) for _ in range(count))
    out = []
    for n in range(count):
        kind = rng.choices(kinds, weights)[0]
        target = KINDS[kind][1]
        spec = dict(n=n, kind=kind, at=round(at[n], 3))
        if target == "device":
            spec["devices"] = [rng.choice(devices)]
        elif target == "site":
            site = rng.choice(sorted(sites))
            spec["site"], spec["devices"] = site, sorted(sites[site])
        elif target == "devices":
            if rng.random() < 0.35:
                site = rng.choice(sorted(sites))
                spec["site"], spec["devices"] = site, sorted(sites[site])
            else:
                spec["devices"] = [rng.choice(devices)]
        else:
            spec["devices"] = []
        p = {}
        if kind in ("power_loss", "clean_reboot"):
            p["off"] = round(rng.choice([rng.uniform(1.0, 2.5), rng.uniform(5, 14)]), 2)
        elif kind == "site_power":
            p["off"] = round(rng.uniform(5, 14), 2)
        elif kind == "flicker":
            p["cuts"] = [(round(rng.uniform(1.0, 4.0), 2), round(rng.uniform(5.0, 12.0), 2))
                         for _ in range(rng.choice([2, 3]))]
        elif kind == "agent_stop":
            p["off"] = round(rng.choice([rng.uniform(0.5, 1.2), rng.uniform(6, 14)]), 2)
        elif kind == "agent_kill":
            p["off"] = round(rng.uniform(8, 14), 2)  # past the agent_stopped threshold (persist + 2 s) for sure
        elif kind == "net_cut":
            p["mode"] = rng.choice(["refuse", "hold"])
            p["length"] = round(rng.uniform(8, 20), 2)
            if rng.random() < 0.3:
                # A reboot inside: the first device loses power `after` s into the cut, for `off` s.
                p["reboot"] = dict(after=round(rng.uniform(2, 4), 2), off=round(rng.uniform(1.5, 3.0), 2))
        elif kind in ("disk_ro", "disk_full"):
            p["length"] = round(rng.uniform(8, 16), 2)
        elif kind == "collector_kill":
            p["off"] = round(rng.uniform(1.0, 6.0), 2)
        elif kind == "clock_step":
            p["offset"] = round(rng.uniform(5, 60), 1)
            p["length"] = round(rng.uniform(4, 10), 2)
        elif kind == "collector_hang":
            p["length"] = round(rng.uniform(2, 8), 2)
        elif kind == "postgres_restart":
            p["mode"] = rng.choice(["stop", "kill"])  # pg_ctl stop -m fast, or SIGKILL to the server (a host died)
            p["length"] = round(rng.uniform(4, 15), 2)
        p["boot_delay"] = round(rng.uniform(0.3, 1.2), 2)  # power back to the agent's start
        spec["params"] = p
        out.append(spec)
    return out


class Runner:
    """Plays a schedule: one thread per fault, resources taken in planned order (no overtaking)."""

    QUIET = 2.5  # seconds a device stays held after a fault's last action

    def __init__(self, world, specs):
        self.w = world
        self.specs = specs
        self.cond = threading.Condition()
        self.busy = set()
        self.waiting = []  # specs waiting for resources, in planned order
        self.errors = []
        self.done = 0

    def resources(self, spec):
        r = set(spec["devices"])
        if KINDS[spec["kind"]][1] == "collector":
            r.add("collector")
        return r

    def acquire(self, spec):
        need = self.resources(spec)
        with self.cond:
            self.waiting.append(spec)
            self.waiting.sort(key=lambda s: s["n"])
            while True:
                earlier = set()
                for s in self.waiting:
                    if s is spec:
                        break
                    earlier |= self.resources(s)
                if not (need & self.busy) and not (need & earlier):
                    break
                self.cond.wait(0.5)
            self.waiting.remove(spec)
            self.busy |= need
            self.cond.notify_all()

    def release(self, spec):
        with self.cond:
            self.busy -= self.resources(spec)
            self.cond.notify_all()

    def play(self, t0):
        threads = []
        for spec in self.specs:
            th = threading.Thread(target=self._one, args=(spec, t0), daemon=True)
            th.start()
            threads.append(th)
        for th in threads:
            th.join()

    def _one(self, spec, t0):
        delay = t0 + spec["at"] - time.time()
        if delay > 0:
            time.sleep(delay)
        self.acquire(spec)
        try:
            self.w.truth.note("fault_start", n=spec["n"], kind=spec["kind"], devices=spec["devices"],
                              site=spec.get("site"), params=spec["params"])
            getattr(self, "_" + spec["kind"])(spec, spec["params"])
            self.w.truth.note("fault_end", n=spec["n"], kind=spec["kind"])
            if spec["devices"]:
                time.sleep(self.QUIET)
        except Exception as e:  # a harness failure, reported as such
            self.errors.append(f"fault {spec['n']} {spec['kind']}: {type(e).__name__}: {e}")
            self.w.truth.note("harness_error", n=spec["n"], error=str(e))
        finally:
            self.release(spec)
            with self.cond:
                self.done += 1

    # --- device faults ---

    def _boot(self, dev, boot_delay):
        """Power is back now: the boot moment; the agent starts `boot_delay` s later."""
        time.sleep(boot_delay)
        boot_at = dev.new_boot(boot_delay)
        dev.start()
        return boot_at

    def _cut(self, spec, dev, off, cause):
        sig = signal.SIGKILL if cause == "power_loss" else signal.SIGTERM
        t0 = dev.kill(sig, power=True)
        time.sleep(off)
        t1 = self._boot(dev, spec["params"]["boot_delay"])
        self.w.truth.note("period", n=spec["n"], device=dev.name, kind=cause, start=t0, end=t1)
        return t0, t1

    def _power_loss(self, spec, p):
        self._cut(spec, self.w.devices[spec["devices"][0]], p["off"], "power_loss")

    def _clean_reboot(self, spec, p):
        self._cut(spec, self.w.devices[spec["devices"][0]], p["off"], "clean_reboot")

    def _flicker(self, spec, p):
        dev = self.w.devices[spec["devices"][0]]
        for off, on in p["cuts"]:
            self._cut(spec, dev, off, "power_loss")
            time.sleep(on)

    def _site_power(self, spec, p):
        devs = [self.w.devices[d] for d in spec["devices"]]
        starts = {}
        for d in devs:
            starts[d.name] = d.kill(signal.SIGKILL, power=True)
        time.sleep(p["off"])
        power_on = time.time()
        time.sleep(p["boot_delay"])
        ends = {}
        for d in devs:
            ends[d.name] = d.new_boot(time.time() - power_on)
            d.start()
        for d in devs:
            self.w.truth.note("period", n=spec["n"], device=d.name, kind="power_loss", start=starts[d.name],
                              end=ends[d.name])
        self.w.truth.note("site_cut", n=spec["n"], site=spec["site"], devices=spec["devices"],
                          start=min(starts.values()), end=max(ends.values()))

    def _same_boot(self, spec, p, sig, kind):
        dev = self.w.devices[spec["devices"][0]]
        t0 = dev.kill(sig)
        time.sleep(p["off"])
        t1 = time.time()
        dev.start()
        self.w.truth.note("period", n=spec["n"], device=dev.name, kind=kind, start=t0, end=t1)

    def _agent_stop(self, spec, p):
        self._same_boot(spec, p, signal.SIGTERM, "agent_stop")

    def _agent_kill(self, spec, p):
        self._same_boot(spec, p, signal.SIGKILL, "agent_kill")

    def _net_cut(self, spec, p):
        devs = [self.w.devices[d] for d in spec["devices"]]
        t0 = time.time()
        for d in devs:
            d.proxy.set_mode(p["mode"])
        rebooted = None
        if "reboot" in p:
            rebooted = devs[0]
            time.sleep(p["reboot"]["after"])
            k0 = rebooted.kill(signal.SIGKILL, power=True)
            time.sleep(p["reboot"]["off"])
            k1 = self._boot(rebooted, p["boot_delay"])
            self.w.truth.note("period", n=spec["n"], device=rebooted.name, kind="power_loss", start=k0, end=k1,
                              inside_cut=True)
        time.sleep(max(0.0, t0 + p["length"] - time.time()))
        for d in devs:
            d.proxy.set_mode("pass")
        t1 = time.time()
        for d in devs:
            self.w.truth.note("net_cut", n=spec["n"], device=d.name, mode=p["mode"], start=t0, end=t1,
                              rebooted=d is rebooted)
            if d is not rebooted:
                self.w.truth.note("period", n=spec["n"], device=d.name, kind="network", start=t0, end=t1,
                                  mode=p["mode"])
        if spec.get("site"):
            self.w.truth.note("site_net_cut", n=spec["n"], site=spec["site"],
                              devices=[d.name for d in devs if d is not rebooted], start=t0, end=t1)

    def _disk(self, spec, p, how):
        dev = self.w.devices[spec["devices"][0]]
        t0 = time.time()
        if how == "read_only":
            dev.disk.read_only(True)
        else:
            dev.disk.fill(True)
        time.sleep(p["length"])
        if how == "read_only":
            dev.disk.read_only(False)
        else:
            dev.disk.fill(False)
        t1 = time.time()
        self.w.truth.note("disk", n=spec["n"], device=dev.name, how=how, start=t0, end=t1)
        # The agent tries the folder again once per persist interval: hold the device until it has.
        time.sleep(self.w.persist + 1.5)

    def _disk_ro(self, spec, p):
        self._disk(spec, p, "read_only")

    def _disk_full(self, spec, p):
        self._disk(spec, p, "full")

    # --- collector faults ---

    def _collector_kill(self, spec, p):
        c = self.w.collector
        t0 = time.time()
        c.kill9()
        time.sleep(p["off"])
        c.start()
        t1 = time.time()
        self.w.truth.note("collector_away", n=spec["n"], how="kill", start=t0, end=t1)

    def _clock_step(self, spec, p):
        t0 = time.time()
        self.w.clock.set(p["offset"])
        time.sleep(p["length"])
        self.w.clock.set(0)
        t1 = time.time()
        self.w.truth.note("clock_step", n=spec["n"], offset=p["offset"], start=t0, end=t1)
        time.sleep(2.5)  # two sweeps on the real clock before another collector fault

    def _collector_hang(self, spec, p):
        c = self.w.collector
        t0 = time.time()
        c.stop_signal()
        time.sleep(p["length"])
        c.cont()
        t1 = time.time()
        self.w.truth.note("collector_away", n=spec["n"], how="hang", start=t0, end=t1)
        time.sleep(1.0)

    def _postgres_restart(self, spec, p):
        t0 = time.time()
        subprocess.run([self.w.postgres_ctl, p["mode"]], check=True, timeout=90, capture_output=True)
        time.sleep(p["length"])
        subprocess.run([self.w.postgres_ctl, "start"], check=True, timeout=90, capture_output=True)
        t1 = time.time()
        # Not the collector away: it answers beats from memory meanwhile (DESIGN "Store health", issue #35).
        self.w.truth.note("store_away", n=spec["n"], how=p["mode"], start=t0, end=t1)
        time.sleep(2.0)
