import CollectorRules
import DowntimeProtocol
import Foundation

/// Puts a planned notification into words, with the outage facts the collector knows by then.
public struct MessageWriter: Sendable {
    /// Where a single device's outage facts come from.
    let reader: DeviceReader
    /// The planner's quiet time, named in flapping and under-voltage summaries.
    let damp: TimeInterval
    /// The zone times are told in (`DOWNTIME_TIMEZONE`): "2026-12-01 02:13 CET".
    var time: LocalTime = .utc

    func compose(_ plan: NotificationPlanner.Planned) async -> Notification {
        let name = plan.devices.first ?? ""
        let detail = plan.devices.count == 1 ? try? await reader.deviceDetail(name) : nil
        let at = time.stamp(plan.at)
        let minutes = Int(damp / 60)
        switch plan.kind {
        case .down:
            return await down(plan, name: name, detail: detail)
        case .up:
            return await up(plan, name: name, outage: detail?.view.lastOutage)
        case .new:
            return Notification(
                kind: .new, devices: plan.devices, title: "New device \(name)",
                text: "\(name) reported for the first time at \(at).", at: plan.at)
        case .checkFailing, .checkOk:
            return Self.checks(plan, time: time)
        case .jobProblem, .jobOk,
            .flapping where plan.job != nil:
            return Self.job(plan, time: time, damp: damp)
        case .digest, .quiet:
            // Never planned: digests and quiet hours' summaries are written on their schedule (`DigestWriter`,
            // `QuietWriter`).
            return Self.test(at: plan.at)
        case .flapping where !plan.checks.isEmpty:
            let check = plan.checks.joined(separator: ", ")
            return Notification(
                kind: .flapping, devices: plan.devices, title: "\(name): check \(check) is flapping",
                text: "\(name)'s check \(check) changed state \(plan.flips) more times in the last \(minutes) minutes.",
                at: plan.at)
        case .flapping:
            let status = detail?.view.status.rawValue ?? "unknown"
            return Notification(
                kind: .flapping, devices: plan.devices, title: "\(name) is flapping",
                text: "\(name) changed state \(plan.flips) more times in the last \(minutes) minutes; "
                    + "now \(status).",
                at: plan.at)
        case .incident, .correction:
            return Self.incidentOrCorrection(plan, time: time)
        case .group:
            return Self.group(plan, stillReporting: await stillReporting(plan), time: time)
        case .storage:
            return storage(plan, name: name)
        case .underVoltage:
            let again = plan.flips > 0 ? " It came back \(plan.flips) more time(s) in the last \(minutes) minutes." : ""
            return Notification(
                kind: .underVoltage, devices: plan.devices, title: "\(name): under-voltage",
                text: "\(name) reports under-voltage at \(at): its power supply or cable is too weak, "
                    + "the usual cause of a Pi's crashes and outages.\(again)", at: plan.at)
        case .ups:
            return Notification(
                kind: .ups, devices: plan.devices, title: "UPS \(name): \(plan.ups.map(Self.headline) ?? "changed")",
                text: "UPS \(name): \(plan.reason) (at \(at)).", at: plan.at)
        case .test:
            return Self.test(at: plan.at, time: time)
        case .reminder:
            // Not planned (the notifier's `Reminders` make them), but said plainly if one were.
            return Self.reminder(plan.devices.map { ($0, plan.at) }, now: plan.at, time: time)
        }
    }

    /// A job's problem, or its end: "backup on nas failed (exit 1)", since when; or its bouncing's summary.
    static func job(_ plan: NotificationPlanner.Planned, time: LocalTime, damp: TimeInterval) -> Notification {
        let device = plan.devices.first ?? ""
        if plan.job == nil, !plan.jobs.isEmpty { return jobs(plan, time: time) }
        guard let f = plan.job else { return test(at: plan.at) }
        if plan.kind == .flapping {
            return Notification(
                kind: .flapping, devices: plan.devices, title: "\(f.name) on \(device) is flapping",
                text: "\(f.name) on \(device) changed state \(plan.flips) more times in the last "
                    + "\(Int(damp / 60)) minutes; now \(f.to.rawValue).", at: plan.at)
        }
        let title = JobChange.message(job: f.name, device: device, from: f.from, to: f.to, reason: "")
        let text = JobChange.message(job: f.name, device: device, from: f.from, to: f.to, reason: f.reason)
        return Notification(
            kind: plan.kind, devices: plan.devices, title: title, text: "\(text), at \(time.stamp(plan.at)).",
            at: plan.at)
    }

    /// Jobs held together: "3 jobs have problems", a line per job ("backup on nas failed (exit 1)").
    static func jobs(_ plan: NotificationPlanner.Planned, time: LocalTime) -> Notification {
        let n = plan.jobs.count
        let title = plan.kind == .jobProblem ? "\(n) jobs have problems" : "\(n) jobs are ok again"
        let lines = plan.jobs.map {
            "- "
                + JobChange.message(
                    job: $0.record.name, device: $0.device, from: $0.record.from, to: $0.record.to,
                    reason: $0.record.reason)
                + ", at \(time.stamp($0.at))"
        }
        return Notification(
            kind: plan.kind, devices: plan.devices, title: title, text: "\(title):\n" + lines.joined(separator: "\n"),
            at: plan.at)
    }

    /// A device's service checks failing, or ok again: "pi-kitchen: pihole failing", with each check's words.
    static func checks(_ plan: NotificationPlanner.Planned, time: LocalTime) -> Notification {
        let name = plan.devices.first ?? ""
        let failing = plan.kind == .checkFailing
        let n = plan.checks.count
        let what = n == 1 ? "check \(plan.checks[0])" : "\(n) checks (\(plan.checks.joined(separator: ", ")))"
        let title = failing ? "\(name): \(what) failing" : "\(name): \(what) ok again"
        let words = plan.reason.isEmpty ? "" : ": \(plan.reason)"
        let text =
            failing
            ? "\(name) is up, but its \(what) \(n == 1 ? "fails" : "fail") since \(time.stamp(plan.at))\(words)."
            : "\(name)'s \(what) \(n == 1 ? "is" : "are") ok again since \(time.stamp(plan.at))\(words)."
        return Notification(kind: plan.kind, devices: plan.devices, title: title, text: text, at: plan.at)
    }

    /// A device down, or its agent stopped; with how many devices behind it went unreachable.
    private func down(_ plan: NotificationPlanner.Planned, name: String, detail: DeviceDetail?) async -> Notification {
        let at = time.stamp(plan.at)
        // The devices behind it went unreachable without a message of their own: this one says how many.
        let behind = (try? await reader.behind(name))?.filter { $0.device.status == .unreachable }.count ?? 0
        if let stop = detail?.cleanStop {
            // Not "down" (docs/DESIGN.md "Agent gaps"): the agent said it stopped; the device may be up or shut down.
            return Notification(
                kind: .down, devices: plan.devices, title: "\(name): agent stopped",
                text: "\(name) is silent since \(at): \(stop.explanation)"
                    + "\(Self.behind(behind, "unreachable"))", at: plan.at, outage: detail?.view.currentOutage)
        }
        return Notification(
            kind: .down, devices: plan.devices, title: "\(name) is DOWN",
            text: "\(name) is down since \(at): \(plan.reason)\(Self.behind(behind, "unreachable")).", at: plan.at,
            outage: detail?.view.currentOutage)
    }

    /// A device back up after `outage`, or its agent back after a clean stop (the device not down).
    private func up(_ plan: NotificationPlanner.Planned, name: String, outage: OutageView?) async -> Notification {
        let how =
            outage.map {
                "after \(Durations.text($0.durationS)) (\($0.cause.label)), down from \(time.stamp($0.start))"
            } ?? ""
        // Those behind it that were unreachable during this outage.
        var were = 0
        if let o = outage {
            let span = DateInterval(start: o.start, end: max(o.start, o.end ?? plan.at))
            were =
                ((try? await reader.behind(name)) ?? []).filter { d in
                    d.unreachable.contains { $0.intersects(span) }
                }.count
        }
        if let o = outage, o.cause == .agentGap {
            return Notification(
                kind: .up, devices: plan.devices, title: "\(name): agent back, device not down",
                text: "\(name)'s agent is back after \(Durations.text(o.durationS)), stopped cleanly from "
                    + "\(time.stamp(o.start)) in the same boot: the device was not down "
                    + "(not counted as downtime).", at: plan.at, outage: o)
        }
        return Notification(
            kind: .up, devices: plan.devices, title: "\(name) is back up",
            text: "\(name) is back up \(how)\(Self.behind(were, "were unreachable")).", at: plan.at,
            outage: outage)
    }

    /// For a grouped down: the other devices of the silent ones' sites that still report. What is known is which
    /// went silent and which still report (a power cut and a network cut look the same from here).
    private func stillReporting(_ plan: NotificationPlanner.Planned) async -> [String] {
        guard plan.direction != .up else { return [] }
        let live = await reader.fleet.snapshot()
        let silent = Set(plan.devices)
        let sites = Set(live.filter { silent.contains($0.record.name) }.map(\.record.site))
        return live.filter { d in
            !silent.contains(d.record.name) && d.status == .up && sites.contains(d.record.site)
        }.map(\.record.name)
    }

    /// A device's storage turned read-only, full or failing.
    private func storage(_ plan: NotificationPlanner.Planned, name: String) -> Notification {
        let what = plan.storage?.state.label ?? ""
        let path = plan.storage?.path ?? ""
        return Notification(
            kind: .storage, devices: plan.devices, title: "\(name): storage \(what)",
            text: "\(name) is up, but its storage is \(what) since \(time.stamp(plan.at)) (\(path)): the agent "
                + "runs from memory, and an outage will not be found at its next boot until the "
                + "folder is writable.",
            at: plan.at)
    }

    /// A grouped down or up in words, from the facts only: "5 devices went silent at once (a, b, c, d, e), at …;
    /// nas still reports." (a site's group: "3 devices of house went silent together …"). `stillReporting` are the
    /// other devices of their site that are up (sorted here; the first ten named).
    static func group(_ plan: NotificationPlanner.Planned, stillReporting: [String], time: LocalTime = .utc)
        -> Notification
    {
        let count = plan.devices.count
        let names = plan.devices.sorted()
        let listed = "(\(names.joined(separator: ", "))), at \(time.stamp(plan.at))"
        if plan.direction == .up {
            return Notification(
                kind: .group, devices: names, title: "\(count) devices back up",
                text: "\(count) devices are back up \(listed).", at: plan.at)
        }
        let still = stillReporting.sorted()
        var shown = still.prefix(10).joined(separator: ", ")
        if still.count > 10 { shown += " and \(still.count - 10) more" }
        let others =
            still.isEmpty
            ? "no other device of \(plan.site == nil ? "their site" : "the site") reports"
            : "\(shown) still report\(still.count == 1 ? "s" : "")"
        let (title, what) =
            if let site = plan.site {
                ("\(count) devices of \(site) down", "\(count) devices of \(site) went silent together")
            } else {
                ("\(count) devices down", "\(count) devices went silent at once")
            }
        return Notification(
            kind: .group, devices: names, title: title, text: "\(what) \(listed); \(others).", at: plan.at)
    }

    /// A UPS event's title words.
    static func headline(_ e: UPSEvent) -> String {
        switch e.kind {
        case .mainsOut: "mains out, on battery"
        case .lowBattery: "LOW BATTERY"
        case .mainsBack: "mains back"
        case .replaceBattery: "replace battery"
        case .commsLost: "not readable"
        case .commsBack: "readable again"
        }
    }

    /// An incident in words: "Power cut at holiday-house, 2026-12-01 02:13–04:51 UTC (2h 38m): cam-pi, freezer-pi,
    /// hall-pi; nas stayed up" or "holiday-house unreachable 14:02–14:40 ...: a, b"; devices by name, the head
    /// `Incident.headline` ("Power cut, …" in the default site).
    /// An incident's message, or the correction of one told before (`plan.devices` then names who left).
    static func incidentOrCorrection(_ plan: NotificationPlanner.Planned, time: LocalTime) -> Notification {
        guard let i = plan.incident else { return test(at: plan.at) }
        return plan.kind == .incident ? incident(i, time: time) : correction(i, left: plan.devices, time: time)
    }

    /// Members an incident's message named that it no longer holds: "Correction: pi-b3 was not in the network
    /// outage (house unreachable 02:13…): its own report gives another cause."
    static func correction(_ i: Incident, left: [String], time: LocalTime = .utc) -> Notification {
        let names = left.joined(separator: ", ")
        let was = left.count == 1 ? "was" : "were"
        return Notification(
            kind: .correction, devices: left, title: "Correction: \(names) not in \(i.headline)",
            text: "Correction: \(names) \(was) not part of \(i.headline) since \(time.stamp(i.start)), as told "
                + "before: \(left.count == 1 ? "its own report gives" : "their own reports give") another cause; "
                + "the incident now holds \(i.deviceNames.sorted().joined(separator: ", ")).",
            at: i.start)
    }

    public static func incident(_ i: Incident, time: LocalTime = .utc) -> Notification {
        let head = i.headline
        let span =
            if let end = i.end {
                time.span(i.start, end) + " (\(Durations.text(i.durationS(now: end))))"
            } else {
                time.stamp(i.start) + ", ongoing"
            }
        // "house unreachable 14:02…" reads as one phrase; "Power cut, 02:13…" and "Network outage, …" do not.
        let phrase = i.kind == .network && i.site != SiteName.defaultName
        var text = (phrase ? "\(head) \(span)" : "\(head), \(span)") + ": "
        let names = i.deviceNames.sorted()
        text += names.joined(separator: ", ")
        let down = i.stillDown.map(\.device).sorted()
        if !down.isEmpty {
            let unknown = i.stillDown.allSatisfy { $0.cause == .unknown }
            text +=
                "; \(down.joined(separator: ", ")) \(Incident.Standing.stillDown.words)"
                + (unknown ? " (cause not known yet)" : "")
        }
        let lost = i.members.filter(\.neverCameBack).map(\.device).sorted()
        if !lost.isEmpty { text += "; \(lost.joined(separator: ", ")) \(Incident.Standing.neverCameBack.words)" }
        if !i.unaffected.isEmpty { text += "; \(i.unaffected.joined(separator: ", ")) stayed up" }
        if i.collectorDown { text += "; the collector was down too" }
        if let mains = i.mainsOut {
            text += "; mains out at \(time.clock(mains.at)) \(time.abbreviation(mains.at)) (UPS \(mains.ups))"
        }
        if i.kind == .network { text += " (not counted as their downtime)" }
        return Notification(kind: .incident, devices: names, title: head, text: text + ".", at: i.start)
    }

    /// ` (3 devices behind it unreachable)`, or nothing for none.
    static func behind(_ count: Int, _ what: String) -> String {
        count == 0 ? "" : " (\(count) device\(count == 1 ? "" : "s") behind it \(what))"
    }

    /// A reminder: "pi-shed still down since 2026-12-01 02:13 CET, for 4h 12m." or, for several, "Still down:
    /// pi-a since … (4h 12m), pi-b since … (1h 3m)."
    static func reminder(_ devices: [(name: String, since: Date)], now: Date, time: LocalTime = .utc) -> Notification {
        func long(_ since: Date) -> String { Durations.text(max(0, now.timeIntervalSince(since))) }
        if devices.count == 1, let d = devices.first {
            return Notification(
                kind: .reminder, devices: [d.name], title: "\(d.name) still down",
                text: "\(d.name) still down since \(time.stamp(d.since)), for \(long(d.since)).", at: now)
        }
        let list = devices.map { "\($0.name) since \(time.stamp($0.since)) (\(long($0.since)))" }
        return Notification(
            kind: .reminder, devices: devices.map(\.name), title: "\(devices.count) devices still down",
            text: "Still down: " + list.joined(separator: ", ") + ".", at: now)
    }

    /// The message `downtime-collector notify test` sends.
    public static func test(at: Date, time: LocalTime = .utc) -> Notification {
        Notification(
            kind: .test, devices: ["test"], title: "DowntimeMon test",
            text: "This is a test message from DowntimeMon, sent at \(time.stamp(at)).", at: at)
    }
}
