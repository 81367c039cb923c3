"""After the run: what the collector recorded (API, device pages, webhook messages, the SQLite file) against the
ground truth. Every check is a rule of docs/DESIGN.md, or a decision this campaign assumed where the design is
silent (marked ASSUMED, listed in README.md). Each broken promise is one `Violation` with the device, the fault
(its number in the schedule), what was expected and what is recorded.

Times: the truth is the harness's clock; the collector's records are its own wall clock (real time, but for a
stepped clock: a time it dated while stepped is off by the step, which the design accepts, so the tolerance of
such a boundary grows by the step).
"""
import datetime
import html
import json
import re
import sqlite3
import urllib.parse

CAUSE_LABELS = {"power loss or crash": "power_loss", "clean reboot": "clean_reboot", "agent stopped": "agent_stopped",
                "agent stopped (device not down)": "agent_gap", "suspended": "suspend", "network": "network",
                "unknown": "unknown"}
SLACK = 1.0  # the harness's own timing: a signal sent, a process started, a beat on its way
# The collector's alive mark is written every flush interval (2 s, CollectorConfig.flushInterval): an absence no
# longer than that is not told from the mark's own age and leaves no collector_down (decision 11).
FLUSH = 2.0


def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def hms(t):
    if t is None:
        return "-"
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]


class Violation:
    def __init__(self, kind, device, fault, text):
        self.kind, self.device, self.fault, self.text = kind, device, fault, text

    def line(self):
        f = f" fault {self.fault}" if self.fault is not None else ""
        return f"VIOLATION {self.kind}: {self.device or '-'}{f}: {self.text}"


class Recorded:
    """What the collector says, read once after the run."""

    def __init__(self, collector, devices):
        self.c = collector
        self.outages = {}
        self.events = {}
        for name in devices:
            self.outages[name] = self.page_outages(name)
            self.events[name] = self.all_events(name)
        self.incidents = self.all_incidents()
        self.incident_pages = {}
        for inc in self.incidents:
            try:
                status, body = collector.get(f"/incidents/{urllib.parse.quote(inc['id'])}")
                self.incident_pages[inc["id"]] = (status, body.decode())
            except OSError as e:
                self.incident_pages[inc["id"]] = (getattr(e, "code", None), "")
        self.collector = collector.get_json("/api/v1/collector")
        self.device_views = {d["name"]: d for d in collector.get_json("/api/v1/devices?limit=1000")["devices"]}

    def page_outages(self, name):
        """The Outages table of the device page: the merged outages (start, end, cause, source), oldest first."""
        _, body = self.c.get(f"/devices/{urllib.parse.quote(name)}")
        page = body.decode()
        m = re.search(r"<h2[^>]*>Outages</h2>(.*?)(</table>|<h2)", page, re.S)
        if not m:
            return []
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
            tds = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
            if len(tds) < 5:
                continue
            start = re.search(r'datetime="([^"]+)"', tds[0])
            end = re.search(r'datetime="([^"]+)"', tds[1])
            label = html.unescape(re.split(r"<br", tds[3])[0]).strip()
            source = html.unescape(re.sub(r"<[^>]+>", "", tds[4])).strip()
            rows.append(dict(start=ts(start.group(1)) if start else None, end=ts(end.group(1)) if end else None,
                             cause=CAUSE_LABELS.get(label, label),
                             source={"agent + collector": "merged"}.get(source, source)))
        return sorted(rows, key=lambda r: r["start"] or 0)

    def all_events(self, name):
        out, cursor = [], None
        while True:
            q = f"/api/v1/devices/{urllib.parse.quote(name)}/events?limit=1000" + (f"&cursor={cursor}" if cursor else "")
            body = self.c.get_json(q)
            out += body["events"]
            cursor = body.get("next")
            if not cursor:
                return out

    def all_incidents(self):
        out, cursor = [], None
        while True:
            body = self.c.get_json("/api/v1/incidents?limit=1000" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
            out += body["incidents"]
            cursor = body.get("next")
            if not cursor:
                return out


class Checker:
    def __init__(self, truth, cfg, sites, rec, messages, agent_starts, outboxes, db_path, run_end):
        self.truth, self.cfg, self.rec, self.messages = truth, cfg, rec, messages
        self.sites = sites  # site -> [device]
        self.site_of = {d: s for s, ds in sites.items() for d in ds}
        self.agent_starts, self.outboxes, self.db_path = agent_starts, outboxes, db_path
        self.run_end = run_end
        self.v = []
        self.deadline = cfg["misses"] * cfg["interval"] + cfg["grace"]
        self.by = lambda what: [r for r in truth if r["what"] == what]
        self.away = self.by("collector_away")
        self.blind_spans = self.chain(self.away)
        self.steps = self.by("clock_step")
        self.periods = self.by("period")
        for p in self.periods:
            p["records"] = []
        self.misdated = self.find_misdated()

    def bad(self, kind, device, fault, text, span=None):
        """One broken promise; `span` (start, end) marks it `~misdated` when a flip of that device dated on a
        stepped clock lies in it (a consequence of `flip-out-of-order`, counted apart)."""
        if span and device and any(d == device and a <= span[1] + 2 and b >= span[0] - 2 for d, a, b in self.misdated):
            kind += "~misdated"
        self.v.append(Violation(kind, device, fault, text))

    def find_misdated(self):
        """(device, from, to): the span between a flip dated on a stepped clock and the flips it jumped over."""
        out = []
        for device, events in self.rec.events.items():
            flips = [e for e in events if e["kind"] == "flip"]
            for k, a in enumerate(flips):
                later = [ts(b["at"]) for b in flips[k + 1:] if ts(b["at"]) < ts(a["at"]) - 1.5]
                if later:
                    out.append((device, min(later), ts(a["at"])))
        return out

    # --- what the truth expects ---

    @staticmethod
    def chain(away):
        """The collector's absences chained into the spans it heard nothing in (decision 12): after an absence the
        agents' backoff (which doubles up to the absence's own length) may send no beat for that long again, so an
        absence that begins within it continues the span."""
        spans = []
        for a in sorted(away, key=lambda a: a["start"]):
            if spans and a["start"] <= spans[-1]["end"] + (spans[-1]["end"] - spans[-1]["start"]) + SLACK:
                spans[-1]["end"] = max(spans[-1]["end"], a["end"])
            else:
                spans.append({"start": a["start"], "end": a["end"]})
        return spans

    def compound(self, mine):
        """A device's periods with the gaps the collector could not hear merged (decision 12): two periods whose gap
        lies inside one blind span are one silence to the collector, so one record may cover both (its start the
        last beat stored before, its cause either's, or unknown). Only network cuts and clean agent stops: the agent
        reports the others one by one."""
        out = []
        for p in sorted(mine, key=lambda p: p["start"]):
            last = out[-1] if out else None
            # Only the silences the collector alone records: the agent reports each power loss, reboot and kill.
            alone = {"network", "agent_stop"}
            # And only when the collector did not hear the device in the gap after all (an up flip there).
            heard = last is not None and any(
                e["kind"] == "flip" and e.get("to") == "up" and last["end"] - SLACK <= ts(e["at"]) <= p["start"] + SLACK
                for e in self.rec.events.get(p["device"], []))
            if last is not None and not heard and {q["kind"] for q in last.get("parts", [last]) + [p]} <= alone and any(b["start"] <= last["end"] and b["end"] >= p["start"] for b in self.blind_spans):
                parts = last.get("parts", [last]) + [p]
                out[-1] = {"device": p["device"], "kind": "compound", "n": parts[0]["n"], "start": parts[0]["start"],
                           "end": max(q["end"] for q in parts), "parts": parts, "records": []}
            else:
                out.append(p)
        return out

    def blind(self, start, end):
        """The collector could not judge liveness over [start, end]: it was away (killed) or hung."""
        return [a for a in self.away if a["start"] <= end and a["end"] >= start]

    STEP_LAG = 1.5  # the collector notices a step at its next sweep (at most 1 s apart): it may date on the old clock till then

    def step_at(self, start, end):
        """The largest step of the collector's clock over [start, end] (times it dated there may be off by it)."""
        return max([s["offset"] for s in self.steps if s["start"] <= end and s["end"] + self.STEP_LAG >= start],
                   default=0.0)

    def expectation(self, p):
        """(how many records: 'one', 'maybe', 'none'; allowed causes; why)."""
        dur = p["end"] - p["start"]
        i = self.cfg["interval"]
        blind = self.blind(p["start"] - self.deadline - 1, p["end"] + 2)
        if blind:
            sees = "maybe"
        elif dur > self.deadline + SLACK:
            sees = "yes"
        elif dur + i + SLACK < self.deadline:
            sees = "no"
        else:
            sees = "maybe"
        k = p["kind"]
        if k == "compound":
            causes = set().union(*(self.expectation(q)[1] for q in p["parts"])) | {"unknown"}
            return "maybe", causes, "periods the collector could not tell apart (decision 12): " + ", ".join(
                q["kind"] for q in p["parts"])
        if k == "power_loss":
            return "one", {"power_loss"}, "a power loss is always reported by the agent at its next boot"
        if k == "clean_reboot":
            return "one", {"clean_reboot"}, "a clean reboot is reported by the agent at its next boot"
        if k == "agent_kill":
            return "one", {"agent_stopped"}, "a same-boot gap over max(interval, persist) + 2 s is agent_stopped"
        if k == "agent_stop":
            # DESIGN (issue #26, point 2): a down period opened by the agent's shutdown and closed after its restart in
            # the same boot is an agent gap (`agent_gap`), not downtime; one the collector did not see is no record.
            return {"yes": "one", "maybe": "maybe", "no": "none"}[sees], {"agent_gap"}, f"clean agent stop, collector sees it: {sees}"
        if k == "network":
            causes = {"network"} if not blind else {"network", "unknown"}
            return {"yes": "one", "maybe": "maybe", "no": "none"}[sees], causes, f"network cut ({p.get('mode')}), collector sees it: {sees}"
        return "maybe", set(), "?"

    # --- outages ---

    def agent_precision(self, device, r):
        """precision_s of the agent's own outage report behind a merged or agent record (the one ending nearest)."""
        best = None
        for e in self.rec.events[device]:
            if e["kind"] != "outage" or "end" not in e:
                continue
            d = abs(ts(e["end"]) - (r["end"] or 0))
            if best is None or d < best[0]:
                best = (d, e)
        return best[1].get("precision_s") if best and best[0] < 5 else None

    def check_outages(self):
        window = self.cfg["persist"] + 3
        for device, records in self.rec.outages.items():
            mine = self.compound([p for p in self.periods if p["device"] == device])
            for r in records:
                r_end = r["end"] if r["end"] is not None else self.run_end
                # Made by a hang alone: the collector's down period from a last beat just before SIGSTOP to a beat
                # taken at SIGCONT (DESIGN is silent; ASSUMED: nothing may be recorded for a hang).
                hung = [a for a in self.away if a["how"] == "hang" and r["source"] == "collector" and r["end"] is not None
                        and a["start"] - self.deadline - 1 <= r["start"] <= a["start"] + 1 and abs(r["end"] - a["end"]) < 1]
                if hung:
                    self.bad("hang-outage", device, hung[0]["n"], f"recorded {r['cause']} outage {hms(r['start'])}-"
                             f"{hms(r['end'])} ({r['source']}) made by the collector's hang {hms(hung[0]['start'])}-"
                             f"{hms(hung[0]['end'])}{self.context(device, r['start'], r_end)}", span=(r["start"], r_end))
                    continue
                # A record of a period starts before it ended (at the last beat or the last persisted alive time);
                # a boundary the collector dated while its clock was stepped may be off by the step.
                cands = []
                for p in mine:
                    step_s = self.step_at(p["start"] - self.deadline - 1, p["start"] + 1)
                    step_e = self.step_at(p["end"] - 1, p["end"] + 3)
                    # The collector away just before: its last beat is the one stored before it went (a record
                    # then starts early; reported as start-off, not as invented).
                    away_s = sum(a["end"] - max(a["start"], p["start"] - 20) for a in self.away
                                 if a["end"] >= p["start"] - 20 and a["start"] <= p["start"])
                    if p["start"] - window - step_s - away_s <= r["start"] <= p["end"] - 0.5 + step_s \
                            and r_end >= p["start"] - window - step_e:
                        cands.append(p)
                if not cands:
                    hung = [a for a in self.away if a["how"] == "hang" and a["start"] - self.deadline - 1 <= r["start"] <= a["end"] + 1]
                    self.bad("hang-outage" if hung else "invented-outage", device, None,
                             f"recorded {r['cause']} outage {hms(r['start'])}-{hms(r['end'])} ({r['source']}) "
                             f"with no fault behind it{self.context(device, r['start'], r_end)}", span=(r["start"], r_end))
                    continue
                p = min(cands, key=lambda p: abs(r["start"] - p["start"]) + abs(r_end - p["end"]))
                p["records"].append(r)
            for p in mine:
                expect, causes, why = self.expectation(p)
                recs = p["records"]
                truth = f"truth {p['kind']} {hms(p['start'])}-{hms(p['end'])} ({p['end'] - p['start']:.1f} s)"
                span = (p["start"], p["end"])
                if expect == "none" and recs:
                    self.bad("invented-outage", device, p["n"],
                             f"{truth}: expected no record ({why}), recorded " + self.describe(recs), span)
                    continue
                if expect == "one" and not recs:
                    self.bad("missing-outage", device, p["n"], f"{truth}: not recorded ({why}){self.context(device, p['start'], p['end'])}", span)
                    continue
                if len(recs) > 1:
                    span = (min([p["start"]] + [r["start"] for r in recs]),
                            max([p["end"]] + [r["end"] if r["end"] is not None else self.run_end for r in recs]))
                    self.bad("doubled-outage", device, p["n"], f"{truth}: recorded {len(recs)} times: " + self.describe(recs), span)
                for r in recs:
                    self.check_one(device, p, r, causes, truth)

    def away_before(self, p, r):
        """How much earlier than the period a collector-dated record may start: from the start of a collector absence
        that lasted into the period's beginning, or ended so shortly before it that the agent's backoff (which doubles
        up to the absence's own length) had not sent a beat yet (the record's last beat is the last one stored before
        it went)."""
        if r["source"] == "agent":
            return 0.0
        covering = [a for a in self.blind_spans
                    if a["start"] <= p["start"] + SLACK and a["end"] + (a["end"] - a["start"]) + SLACK >= p["start"]]
        return max([p["start"] - a["start"] for a in covering], default=0.0)

    def check_one(self, device, p, r, causes, truth):
        span = (min(p["start"], r["start"]), max(p["end"], r["end"] or self.run_end))
        if causes and r["cause"] not in causes:
            self.bad("wrong-cause", device, p["n"], f"{truth}: expected cause {'/'.join(sorted(causes))}, recorded "
                     + self.describe([r]), span)
        if r["source"] == "collector":
            prec = self.cfg["interval"] + self.cfg["grace"]
            what = "interval + grace (collector only)"
        else:
            prec = self.agent_precision(device, r)
            what = "the agent report's precision_s"
            if prec is None:
                prec, what = self.cfg["persist"], "persist interval (no agent report found)"
        start_tol = prec + SLACK + (self.step_at(p["start"] - 2, p["start"] + 1) if r["source"] != "agent" else 0)
        # The collector away (killed or hung) when the period began: it knows only the last beat it stored before
        # it went, so a record may start that early (decision 10); the agent cannot tell a dead collector from a cut.
        early_tol = start_tol + self.away_before(p, r)
        if r["start"] - p["start"] > start_tol or p["start"] - r["start"] > early_tol:
            self.bad("start-off", device, p["n"], f"{truth}: recorded start {hms(r['start'])} is "
                     f"{r['start'] - p['start']:+.2f} s off (allowed {start_tol:.1f} s late, {early_tol:.1f} s early: {what} {prec} + "
                     f"{SLACK}), "
                     + self.describe([r]), span)
        if r["end"] is None:
            self.bad("end-off", device, p["n"], f"{truth}: recorded as still going on, " + self.describe([r]), span)
            return
        end_tol = prec + SLACK
        if r["source"] == "collector":
            end_tol += self.step_at(p["end"] - 1, p["end"] + 3)
            # The collector away or hung when the device came back: it sees the first beat after its return.
            late = [a["end"] - p["end"] for a in self.blind(p["end"] - 1, p["end"] + self.cfg["interval"] + 1)]
            end_tol += max(late + [0])
        if abs(r["end"] - p["end"]) > end_tol:
            self.bad("end-off", device, p["n"], f"{truth}: recorded end {hms(r['end'])} is "
                     f"{r['end'] - p['end']:+.2f} s off (allowed {end_tol:.1f} s: {what} {prec} + {SLACK}), "
                     + self.describe([r]), span)

    def describe(self, recs):
        return "; ".join(f"{r['cause']} {hms(r['start'])}-{hms(r['end'])} ({r['source']})" for r in recs)

    def context(self, device, start, end):
        """The faults near a time: what a reader needs to reproduce a finding."""
        near = [r for r in self.truth if r["what"] in ("period", "net_cut", "disk", "collector_away", "clock_step")
                and r.get("start", 0) <= end + 15 and r.get("end", 0) >= start - 15
                and (r.get("device") in (None, device))]
        if not near:
            return ""
        parts = []
        for r in near:
            label = r.get("kind") or r.get("how") or r["what"]
            extra = f" +{r['offset']} s" if r["what"] == "clock_step" else ""
            parts.append(f"#{r['n']} {r['what']}:{label}{extra} {hms(r['start'])}-{hms(r['end'])}")
        return " [near: " + ", ".join(parts) + "]"

    # --- the log: events once, collector_down, clock jumps ---

    def check_log(self):
        seen = {}
        for device, events in self.rec.events.items():
            for e in events:
                if e["id"] in seen:
                    self.bad("doubled-event", device, None, f"event {e['id']} ({e['kind']}) stored twice")
                seen[e["id"]] = device
            started = sum(1 for e in events if e["kind"] == "agent_started")
            if started != self.agent_starts[device]:
                self.bad("lost-or-doubled-event", device, None,
                         f"{self.agent_starts[device]} agent starts, {started} agent_started events stored")
            if self.outboxes.get(device):
                self.bad("undelivered-event", device, None, f"{len(self.outboxes[device])} events still in the outbox "
                         "at the end with the collector reachable")
            downs = [e for e in events if e["kind"] == "collector_down"]
            kills = [a for a in self.away if a["how"] == "kill"]
            for a in kills:
                # Its record starts at the last alive mark before the kill and ends at the restart.
                hit = [e for e in downs if abs(ts(e["end"]) - a["end"]) < 2 and ts(e["start"]) <= a["start"] + 0.5]
                short = a["end"] - a["start"] <= FLUSH + 0.2
                if len(hit) > 1 or (not hit and not short):
                    self.bad("collector-down", device, a["n"], f"collector killed {hms(a['start'])}-{hms(a['end'])}: "
                             f"{len(hit)} collector_down records over it (expected 1)")
            for e in downs:
                # A hung collector (SIGSTOP) may call its hung time away too: not required, not invented.
                if not any(ts(e["start"]) <= a["end"] and ts(e["end"]) >= a["start"] - 2 for a in self.away):
                    self.bad("collector-down", device, None, f"collector_down {e['start']}-{e['end']} without a kill")
            # The API's last outage is the page's newest ended one.
            last = (self.rec.device_views.get(device) or {}).get("last_outage")
            ended = [r for r in self.rec.outages[device] if r["end"] is not None]
            if last and ended:
                newest = max(ended, key=lambda r: r["start"])
                if abs(ts(last["start"]) - newest["start"]) > 0.01 or last["cause"] != newest["cause"]:
                    self.bad("api-page-mismatch", device, None, f"API last_outage {last['cause']} {last['start']}, "
                             f"page's newest {newest['cause']} {hms(newest['start'])}")
        # Flips in the order of arrival do not go back in time by more than a beat, but where the collector's clock
        # was stepped (DESIGN: a flip recorded then is dated on the stepped clock; the timeline pairs flips in their
        # recorded order, so the outage list stays whole, which the outage checks see).
        for device, events in self.rec.events.items():
            flips = [e for e in events if e["kind"] == "flip"]
            for a, b in zip(flips, flips[1:]):
                stepped = any(st["start"] - 2 <= ts(a["at"]) and st["end"] + 2 >= ts(b["at"]) - 2 for st in self.steps)
                if ts(b["at"]) < ts(a["at"]) - 1.5 and not stepped:
                    self.bad("flip-out-of-order", device, None, f"flip {a['from']}→{a['to']} dated {a['at']} arrived "
                             f"before {b['from']}→{b['to']} dated {b['at']}{self.context(device, ts(b['at']) - 5, ts(a['at']))}")
        # Clock steps in the collector's current run: each is two jumps (forward, back), nothing else.
        last_start = max([a["end"] for a in self.away if a["how"] == "kill"], default=0)
        steps = [s for s in self.steps if s["start"] > last_start]
        jumps = self.rec.collector.get("clock_jumps")
        if jumps is not None and jumps != 2 * len(steps):
            self.bad("clock-jumps", None, None, f"{len(steps)} clock steps since the last restart (forward and back: "
                     f"{2 * len(steps)} jumps), the collector counts {jumps}")

    # --- incidents ---

    def member_period(self, device, m, kinds):
        window = self.cfg["persist"] + 3
        s, e = ts(m["start"]), ts(m["end"]) if m.get("end") else self.run_end
        cands = [p for p in self.periods if p["device"] == device and (kinds is None or p["kind"] in kinds)
                 and s <= p["end"] + window and e >= p["start"] - window]
        return min(cands, key=lambda p: abs(s - p["start"])) if cands else None

    def check_incidents(self):
        member_of = {}
        for inc in self.rec.incidents:
            kinds = {"power_cut": {"power_loss"}, "network": {"network"}}.get(inc["kind"], set())
            names = [m["name"] for m in inc["devices"]]
            if len(names) < 2:
                self.bad("incident", None, None, f"incident {inc['id']} has {len(names)} member(s)")
            if len(set(names)) != len(names):
                self.bad("incident", None, None, f"incident {inc['id']} names a device twice: {names}")
            for m in inc["devices"]:
                if self.site_of.get(m["name"]) != inc["site"]:
                    self.bad("incident", m["name"], None, f"incident {inc['id']} of site {inc['site']} has a member of "
                             f"site {self.site_of.get(m['name'])}")
                # A member that went silent with the cut and has not reported (issue #34): any fault of the device
                # behind it will do, its cause is not known yet.
                p = self.member_period(m["name"], m, None if m["cause"] == "unknown" else kinds)
                if p is None:
                    s0 = ts(m["start"])
                    hung = [a for a in self.away if a["how"] == "hang" and a["start"] - self.deadline - 1 <= s0 <= a["end"] + 1]
                    self.bad("hang-incident-member" if hung else "invented-incident-member", m["name"], None,
                             f"incident {inc['id']}: member {m['cause']} {m['start']}-{m.get('end')} has no "
                             f"{'/'.join(sorted(kinds))} fault behind it{self.context(m['name'], ts(m['start']), ts(m['start']) + 30)}")
                    continue
                key = (m["name"], p["n"], p["start"])
                if key in member_of and member_of[key] != inc["id"]:
                    self.bad("doubled-incident", m["name"], p["n"], f"one outage in two incidents: {member_of[key]} "
                             f"and {inc['id']}")
                member_of[key] = inc["id"]
        for inc in self.rec.incidents:
            status, page = self.rec.incident_pages.get(inc["id"], (None, ""))
            if status != 200 or any(m["name"] not in page for m in inc["devices"]):
                self.bad("incident-page", None, None, f"/incidents/{inc['id']}: status {status}, members shown: "
                         f"{[m['name'] for m in inc['devices'] if m['name'] in page]}")
        for cut in self.by("site_cut"):
            self.expect_one_incident(cut, "power_cut", {"power_loss"}, member_of)
        for cut in self.by("site_net_cut"):
            # Only when the collector could see every member go down (a cut past the deadline, not while it was away).
            if len(cut["devices"]) < 2 or cut["end"] - cut["start"] < self.deadline + 2 * SLACK + self.cfg["interval"] \
                    or self.blind(cut["start"] - self.deadline, cut["end"] + 2):
                continue
            self.expect_one_incident(cut, "network", {"network"}, member_of)

    def expect_one_incident(self, cut, kind, kinds, member_of):
        ids = set()
        missing = []
        for d in cut["devices"]:
            ps = [p for p in self.periods if p["n"] == cut["n"] and p["device"] == d and p["kind"] in kinds]
            for p in ps:
                key = (d, p["n"], p["start"])
                if key in member_of:
                    ids.add(member_of[key])
                else:
                    missing.append(d)
        what = f"site {cut['site']} {kind} {hms(cut['start'])}-{hms(cut['end'])} of {', '.join(cut['devices'])}"
        if missing or len(ids) != 1:
            got = "; ".join(f"{i}: {', '.join(m['name'] for m in self.incident(i)['devices'])}" for i in sorted(ids))
            self.bad("site-cut-incident", None, cut["n"], f"{what}: expected one {kind} incident with all of them, "
                     f"recorded {len(ids)} ({got or 'none'}); not in any: {', '.join(missing) or '-'}")

    def incident(self, iid):
        return next(i for i in self.rec.incidents if i["id"] == iid)

    # --- notifications ---

    def down_periods(self, device):
        """The recorded down periods (from the flips): [(down_at, up_at or None)]."""
        out, start = [], None
        # In the order of arrival (the API's order): a flip dated on a stepped clock must not change the pairing.
        for e in (e for e in self.rec.events[device] if e["kind"] == "flip"):
            if e["to"] == "down" and start is None:
                start = ts(e["at"])
            elif e["from"] == "down" and start is not None:
                out.append([start, ts(e["at"])])
                start = None
        if start is not None:
            out.append([start, None])
        return out

    def check_messages(self):
        cfg = self.cfg
        settle, group = cfg["settle"], cfg["group_window"]
        downs = {d: [dict(down=a, up=b, down_msgs=[], up_msgs=[]) for a, b in self.down_periods(d)]
                 for d in self.rec.events}
        new_msgs = {d: 0 for d in self.rec.events}
        disks = [dict(r, msgs=[]) for r in self.by("disk")]
        incident_msgs = {i["id"]: [] for i in self.rec.incidents}
        for m in self.messages:
            kind, names, t = m.get("event"), m.get("devices") or [], m["_received"]
            title = m.get("title", "")
            if kind == "new":
                for d in names:
                    new_msgs[d] = new_msgs.get(d, 0) + 1
                continue
            if kind in ("down", "up", "group"):
                up = kind == "up" or (kind == "group" and title.endswith("back up"))
                for d in names:
                    if d not in downs:
                        self.bad("invented-message", d, None, f"{kind} message for an unknown device: {title}")
                        continue
                    step = self.step_at(t - 60, t)
                    if up:
                        cands = [p for p in downs[d] if p["up"] is not None
                                 and p["up"] - 1 - step <= t <= p["up"] + settle + group + 20 + step]
                    else:
                        cands = [p for p in downs[d] if p["down"] - step <= t
                                 and (p["up"] is None or t <= p["up"] + group + 5 + step)]
                    if not cands:
                        self.bad("invented-message", d, None, f"'{title}' at {hms(t)} with no recorded "
                                 f"{'return' if up else 'down period'} of {d} behind it{self.context(d, t - 30, t)}",
                                 (t - 30, t + 60))
                        continue
                    # A message is about a flip recorded before it arrived: a later period is no candidate when an
                    # earlier one is (a clock step widens the windows, and the nearest start may lie after it).
                    edge = (lambda p: p["up"] if up else p["down"])
                    # A down message comes at least the down deadline after its silence began: never about a
                    # period that begins after it arrived (seed 389: a site's group message, due as its cut ended,
                    # was taken for the next cut's, which began 0.6 s later).
                    before = [p for p in cands if edge(p) <= t + (1 if up else 0)]
                    p = min(before or cands, key=lambda p: abs(t - edge(p)))
                    (p["up_msgs"] if up else p["down_msgs"]).append(m)
                continue
            if kind == "incident":
                # Of its kind: "Power cut at …" or "… unreachable" (a network incident).
                said = "network" if "unreachable" in title else "power_cut" if "Power cut" in title else None
                # The nearest in start sharing a member: a member may have left the incident after the message.
                cands = [i for i in self.rec.incidents if set(names) & {x["name"] for x in i["devices"]}
                         and abs(ts(m["at"]) - ts(i["start"])) < 180 and said in (None, i["kind"])]
                if not cands:
                    self.bad("invented-message", None, None, f"incident message with no recorded incident: {title}")
                else:
                    i = min(cands, key=lambda i: abs(ts(m["at"]) - ts(i["start"])))
                    incident_msgs[i["id"]].append(m)
                    gone = set(names) - {x["name"] for x in i["devices"]}
                    # A member that left the told incident is named by a later correction (DESIGN "One message per
                    # incident").
                    gone -= {d for c in self.messages if c.get("event") == "correction" and c["_received"] >= t
                             for d in c.get("devices") or []}
                    if gone:
                        self.bad("incident-member-left", None, None, f"incident {i['id']}: its message named "
                                 f"{', '.join(sorted(gone))}, which the record no longer holds: {m.get('message', '')[:160]}")
                continue
            if kind == "storage":
                d = names[0] if names else None
                cands = [k for k in disks if k["device"] == d and k["start"] <= t <= k["end"] + cfg["persist"] + 10]
                if not cands:
                    self.bad("invented-message", d, None, f"storage message at {hms(t)} without a disk fault: {title}")
                else:
                    max(cands, key=lambda k: k["start"])["msgs"].append(m)
                continue
            if kind in ("job_problem", "job_ok"):
                continue  # counted against the job_flip rows (`check_jobs`)
            if kind == "correction":
                # Names members that left a told incident: each was in an incident message before it.
                for d in names:
                    if not any(x.get("event") == "incident" and d in (x.get("devices") or []) and x["_received"] <= t
                               for x in self.messages):
                        self.bad("invented-message", d, None, f"correction naming {d}, never in an incident message")
                continue
            self.bad("invented-message", (names or [None])[0], None, f"{kind} message with no fault of that kind: {title}")
        for d, n in new_msgs.items():
            if n != 1:
                self.bad("new-message", d, None, f"{n} 'new device' messages (expected 1)")
        members = {}
        for i in self.rec.incidents:
            for x in i["devices"]:
                members.setdefault(x["name"], []).append((ts(x["start"]), ts(x["end"]) if x.get("end") else self.run_end, i["id"]))
        for d, ps in downs.items():
            for k, p in enumerate(ps):
                # Back down before its up was told (within `settle`): a bounce; the later up tells both (DESIGN,
                # NotificationPlanner: "told in the summary").
                bounce = k + 1 < len(ps) and p["up"] is not None and ps[k + 1]["down"] - p["up"] <= settle + 2
                what = f"down {hms(p['down'])}-{hms(p['up'])}"
                in_incident = [iid for s, e, iid in members.get(d, []) if s <= (p["up"] or self.run_end) + 5 and e >= p["down"] - 5]
                if len(p["down_msgs"]) > 1:
                    self.bad("doubled-message", d, None, f"{what}: {len(p['down_msgs'])} down messages")
                if len(p["up_msgs"]) > 1:
                    self.bad("doubled-message", d, None, f"{what}: {len(p['up_msgs'])} back-up messages")
                end = p["up"] if p["up"] is not None else self.run_end
                # The down is recorded `deadline` after the last beat and held `group` s; shorter ones are never told.
                # A message still held (down: group window; up: settle) when the collector was killed is lost with it.
                killed_down = [a for a in self.away if a["how"] == "kill"
                               and p["down"] <= a["start"] <= p["down"] + self.deadline + group + 2]
                killed_up = [a for a in self.away if a["how"] == "kill" and p["up"] is not None
                             and p["up"] - 1 <= a["start"] <= p["up"] + settle + 2]
                # A collector that was away (killed or hung) when the down fell due judges it from its return.
                judged = p["down"]
                for a in self.away:
                    if a["start"] <= judged + self.deadline and a["end"] > judged:
                        judged = a["end"]
                # A member's held down is replaced by its incident's message (DESIGN "One message per incident").
                told_by_incident = any(incident_msgs.get(iid) for iid in in_incident)
                if end - judged > self.deadline + group + 3 and not p["down_msgs"] and not told_by_incident:
                    self.bad("message-lost-on-collector-kill" if killed_down else "missing-message", d, None, f"{what} ({end - p['down']:.0f} s): no down message"
                             f"{' (member of ' + ', '.join(in_incident) + ')' if in_incident else ''}"
                             f"{self.context(d, p['down'], end)}", (p["down"], end))
                if p["down_msgs"] and p["up"] is not None and not p["up_msgs"] and not in_incident and not bounce \
                        and self.run_end - p["up"] > settle + 5:
                    self.bad("message-lost-on-collector-kill" if killed_up else "missing-message", d, None, f"{what}: down told, no back-up message and no incident"
                             f"{self.context(d, p['down'], p['up'])}", (p["down"], p["up"]))
        for iid, msgs in incident_msgs.items():
            if len(msgs) != 1:
                i = self.incident(iid)
                self.bad("incident-message", None, None, f"incident {iid} ({', '.join(x['name'] for x in i['devices'])}): "
                         f"{len(msgs)} messages (expected 1)")
        for k in disks:
            if len(k["msgs"]) > 1:
                self.bad("doubled-message", k["device"], k["n"], f"disk {k['how']}: {len(k['msgs'])} storage messages")
            if not k["msgs"] and k["end"] - k["start"] > cfg["persist"] + 2:
                killed = [a for a in self.away if a["how"] == "kill" and k["start"] <= a["start"] <= k["end"]]
                self.bad("message-lost-on-collector-kill" if killed else "missing-message", k["device"], k["n"],
                         f"disk {k['how']} {hms(k['start'])}-{hms(k['end'])}: no storage message"
                         + (f" (collector killed at {hms(killed[0]['start'])})" if killed else ""))

    # --- the store ---

    def check_integrity(self):
        con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            r = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
        if r != [("ok",)]:
            self.bad("integrity", None, None, f"PRAGMA integrity_check: {r[:5]}")

    def check_mqtt(self):
        """MQTT (DESIGN "Home Assistant and MQTT"): after the run, every device's retained state says what the API
        says, and the collector's status is online, whatever the broker went through with the collector's kills,
        hangs and clock steps."""
        mqtt = getattr(self.rec, "mqtt", None)
        if mqtt is None:
            return
        if mqtt.get("downtime/status") != "online":
            self.bad("mqtt-status", None, None, f"downtime/status is {mqtt.get('downtime/status')!r}, expected online")
        for name, view in self.rec.device_views.items():
            raw = mqtt.get(f"downtime/device/{name}/state")
            try:
                state = json.loads(raw) if raw else None
            except ValueError:
                state = None
            if state is None:
                self.bad("mqtt-state", name, None, f"no retained state (got {raw!r})")
            elif state.get("status") != view["status"] or state.get("online") != (view["status"] in ("up", "late")):
                self.bad("mqtt-state", name, None,
                         f"retained state says {state.get('status')} (online {state.get('online')}), "
                         f"the API {view['status']}")
            if not mqtt.get(f"homeassistant/device/{name.replace('-', '_')}/config"):
                self.bad("mqtt-config", name, None, "no retained discovery config")

    PROBLEMS = ("late", "too_long", "failed", "interrupted")

    def check_jobs(self):
        """Jobs (DESIGN "Jobs", issue #31) under the faults: every run the wrapper finished is in its device's log
        once (start and end, nothing lost across collector kills, network cuts or reboots, nothing doubled); a run
        cut by a power loss before its command ended has no end and is `interrupted` on the job's API; the job's
        `job_flip` rows chain (each from the state the last one left, never the same change twice); and each change
        that notifies is one message (a problem `job_problem`, its end `job_ok`; a group of jobs names each)."""
        jobs = getattr(self.rec, "jobs", None)
        if jobs is None:
            return
        runs = {}
        for r in self.by("job_run"):
            runs[(r["device"], r["launch"])] = dict(r)
        for r in self.by("job_run_end"):
            runs.get((r["device"], r["launch"]), {}).update(status=r["status"], end=r["end"], cut=r.get("cut"),
                                                           cut_at=r.get("cut_at"))
        disks = self.by("disk")
        for name, view in jobs.items():
            device = view["device"]
            events = self.rec.events.get(device, [])
            starts = [e for e in events if e["kind"] == "job_start" and e["name"] == name]
            ends = [e for e in events if e["kind"] == "job_end" and e["name"] == name]
            for what, list_ in (("start", starts), ("end", ends)):
                rids = [e["rid"] for e in list_]
                for rid in sorted({x for x in rids if rids.count(x) > 1}):
                    self.bad("job-event-doubled", device, None, f"{name}: job_{what} of run {rid} stored "
                             f"{rids.count(rid)} times")
            ended = {e["rid"]: e for e in ends}
            api_runs = {r["rid"]: r for r in view.get("runs", [])}
            for run in (r for r in runs.values() if r["job"] == name):
                self.check_job_run(name, device, run, starts, ended, api_runs, disks)
            self.check_job_flips(name, device, [e for e in events if e["kind"] == "job_flip" and e["name"] == name])

    def check_job_run(self, name, device, run, starts, ended, api_runs, disks):
        launch = run["launch"]
        if "status" not in run:
            self.bad("harness-error", device, None, f"{name}: the run launched {hms(launch)} never ended")
            return
        what = f"{name}: run launched {hms(launch)} ({run['length']} s, exit {run['code']}, wrapper {run['status']})"
        # The wrapper's start is dated when it began, a moment after the launch (a step of the collector's clock
        # does not touch the device's).
        mine = [e for e in starts if launch - 0.5 <= ts(e["at"]) <= launch + 3.0]
        # A full or read-only state folder may keep the wrapper from writing its report: it may be lost then.
        exempt = any(d["device"] == device and d["start"] - 1 <= run["end"] and d["end"] + 1 >= launch for d in disks)
        if run.get("cut") is not None and run["cut"] == 9 and run["cut_at"] < launch + run["length"]:
            # Cut by a power loss before its command ended: no end, and the job's API calls its run interrupted.
            for e in mine:
                if e["rid"] in ended:
                    self.bad("job-end-invented", device, None, f"{what}: cut by a power loss, yet an end is logged")
                elif e["rid"] in api_runs and not api_runs[e["rid"]].get("interrupted"):
                    self.bad("job-interrupted-missing", device, None, f"{what}: cut by a power loss, its run on the "
                             f"API is not interrupted: {api_runs[e['rid']]}")
            return
        if run.get("cut") is not None:
            return  # a reboot's SIGTERM: the wrapper reports the signal when it can; not a promise of this check
        if exempt:
            return
        if len(mine) != 1:
            self.bad("job-run-lost" if not mine else "job-event-doubled", device, None,
                     f"{what}: {len(mine)} job_start events for it")
            return
        end = ended.get(mine[0]["rid"])
        if end is None:
            self.bad("job-run-lost", device, None, f"{what}: its start is logged, its end is not")
        elif end.get("exit_code") != run["code"]:
            self.bad("job-run-wrong", device, None, f"{what}: logged with exit code {end.get('exit_code')}")

    def check_job_flips(self, name, device, flips):
        state = "new"
        for f in flips:
            if f["from"] != state or f["to"] == f["from"]:
                self.bad("job-flip-chain", device, None, f"{name}: job_flip {f['from']} -> {f['to']} at {f['at']} "
                         f"after the state {state}")
            state = f["to"]
        problems = sum(1 for f in flips if f["to"] in self.PROBLEMS)
        ends = sum(1 for f in flips if f["from"] in self.PROBLEMS and f["to"] not in self.PROBLEMS)
        words = f"{name} on {device}"
        for kind, expected in (("job_problem", problems), ("job_ok", ends)):
            told = sum(m.get("message", "").count(words) for m in self.messages if m.get("event") == kind)
            if told != expected:
                self.bad("job-message", device, None, f"{name}: {expected} changes to tell as {kind}, "
                         f"{told} told")

    def run(self):
        for step in (self.check_outages, self.check_log, self.check_incidents, self.check_messages, self.check_mqtt,
                     self.check_jobs):
            try:
                step()
            except Exception as e:  # a checker bug must not hide the rest
                import traceback
                traceback.print_exc()
                self.bad("checker-error", None, None, f"{step.__name__}: {type(e).__name__}: {e}")
        return self.v
