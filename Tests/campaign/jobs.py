"""Jobs under the faults (issue #31 in the campaign): one registered job on the first device of each site, run by
the real wrapper (`downtime-agent job NAME -- sh -c ...`) every few seconds while the faults play, on the device's
own state folder, boot files and proxy. A power loss or reboot of the device ends the run with it (`Device.kill`
with `power`); a collector kill, hang or clock step, a network cut or a full disk simply happen around it.

The player draws from its own `random.Random`, seeded from the campaign's seed, so the fault schedule of a seed is
the same as before jobs were played. Truth: `job_run` (launched: the moment, the command's length and exit code)
and `job_run_end` (the wrapper's exit status and moment, and whether a power fault ended it).
"""
import os
import random
import threading
import time

import world


def job_name(device):
    return f"work-{device}"


class JobPlayer:
    """Runs one device's job again and again until `stop()`."""

    def __init__(self, w, dev, seed):
        self.w, self.dev = w, dev
        self.rng = random.Random(f"jobs-{seed}-{dev.name}")
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True, name=f"jobs-{dev.name}")

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.thread.join(60)

    def _loop(self):
        while not self.stopping.wait(self.rng.uniform(3.0, 7.0)):
            length = round(self.rng.uniform(0.5, 3.0), 2)
            code = 0 if self.rng.random() < 0.75 else 3
            try:
                self._run(length, code)
            except Exception as e:  # a harness failure, reported as such
                self.w.truth.note("harness_error", error=f"job on {self.dev.name}: {type(e).__name__}: {e}")

    def _run(self, length, code):
        dev = self.dev
        with dev.power_lock:
            if not dev.powered:
                return
            launch = time.time()
            proc = world.SPAWNER.popen(
                world.DIE_WITH_PARENT + [
                    dev.exe, "job", job_name(dev.name), "--collector", f"http://127.0.0.1:{dev.proxy.port}",
                    "--device", dev.name, "--token", dev.token, "--state-dir", dev.disk.path,
                    "--boot-id-file", dev.boot_id_file, "--uptime-file", dev.uptime_file,
                    "--time-sync-file", dev.sync_file, "--", "/bin/sh", "-c", f"sleep {length}; exit {code}"],
                stdout=open(os.devnull, "wb"), stderr=open(dev.log + ".jobs", "ab"), start_new_session=True,
                env={"PATH": "/usr/bin:/bin", "DOWNTIME_AGENT_ENV": "/nonexistent"})
            dev.job_proc = proc
            self.w.truth.note("job_run", device=dev.name, job=job_name(dev.name), launch=launch, length=length,
                              code=code)
        status = proc.wait()
        end = time.time()
        with dev.power_lock:
            cut, cut_at = getattr(proc, "cut_by", None), getattr(proc, "cut_at", None)
            dev.job_proc = None
        self.w.truth.note("job_run_end", device=dev.name, job=job_name(dev.name), launch=launch, status=status,
                          end=end, cut=int(cut) if cut is not None else None, cut_at=cut_at)
