import CollectorRules
import DowntimeProtocol
import Foundation

/// The page of one device: facts, a 7-day timeline, its outages and its log (a pure function of its data).
public enum DevicePage {
    /// Rows of the log shown on the page; the full log is a download away.
    public static let logRows = 300

    public static func render(
        _ d: DeviceDetail, log: [Event], now: Date, deliveries: [DeliveryRecord] = [], incidents: [Incident] = [],
        checkDays: [String: [Availability.Day]] = [:], jobs: [JobBoard.Entry] = []
    ) -> String {
        let view = d.view
        return PageParts.document("\(view.name) · DowntimeMon") { w in
            w.element(.header) { w in
                w.element(.h1) { w in
                    w.element(.a, [(.href, "/")], text: "DowntimeMon")
                    w.text(" / \(view.name) ")
                    PageParts.status(&w, view.status)
                }
            }
            w.element(.main) { w in
                w.element(.p, [(.class, "sum")], text: sentence(view))
                if let stop = d.cleanStop { w.element(.p, [(.class, "warn")], text: stop.explanation) }
                alerts(&w, view)
                if let s = view.storage { storage(&w, s) }
                if let health = view.health, health.hasPowerWarning {
                    w.element(
                        .p, [(.class, "warn")],
                        text: "Power: " + health.warnings.joined(separator: ", ")
                            + " (the device's firmware flags; a weak supply or cable is the usual cause).")
                }
                facts(&w, view, firstSeen: d.firstSeen, now: now)
                timelines(&w, d, log: log, now: now)
                if !view.checks.isEmpty {
                    w.element(.h2, text: "Checks")
                    checksTable(&w, view.checks, days: checkDays, now: now)
                }
                JobsTable.device(&w, jobs)
                w.element(.h2, text: "Last 30 days")
                w.element(.div, [(.class, "wide")]) { DayBar.render(&$0, d.days) }
                w.element(.h2, text: "Outages")
                outages(&w, d.outages, log: log)
                if !incidents.isEmpty {
                    w.element(.h2, text: "Incidents it was part of")
                    IncidentPage.table(&w, incidents, now: now)
                }
                if !deliveries.isEmpty {
                    w.element(.h2, text: "Notifications")
                    deliveryTable(&w, deliveries)
                }
                w.element(.h2, text: "Log")
                w.element(.p) { w in
                    let shown = log.count > logRows ? ", the newest \(logRows) of \(log.count)" : ""
                    w.text("Newest first by the time each event happened\(shown) · ")
                    w.element(.a, [(.href, "/devices/\(view.name)/log.txt")], text: "log.txt")
                    w.text(" · ")
                    w.element(.a, [(.href, "/devices/\(view.name)/log.csv")], text: "CSV")
                    w.text(" · ")
                    w.element(.a, [(.href, "\(WireProtocol.apiPrefix)/devices/\(view.name)/events")], text: "JSON")
                }
                logTable(&w, newestFirst(log).prefix(logRows))
            }
        }
    }

    /// The log in the order the page names: by each event's own time, newest first; events of the same time, the
    /// later arrival first. `log` comes in arrival order, which differs when an agent's outbox delivers late.
    static func newestFirst(_ log: [Event]) -> [Event] {
        log.enumerated().sorted { ($0.element.at, $0.offset) > ($1.element.at, $1.offset) }.map(\.element)
    }

    static func sentence(_ v: DeviceView) -> String {
        switch v.status {
        case .down: "Down" + (v.currentOutage.map { " for \(Durations.text($0.durationS))" } ?? "")
        case .late: "A heartbeat is late; not down yet."
        case .up: "Up."
        case .new: "Never heard from yet."
        case .paused: "Paused by an admin: no alarms."
        case .unreachable:
            "Unreachable: silent while \(v.dependsOn ?? "the device it depends on") is down; not counted as downtime."
        }
    }

    /// What the agent could not write, said plainly.
    static func storage(_ w: inout HTMLWriter, _ s: StorageWarning) {
        w.element(.p, [(.class, "warn")]) { w in
            w.text("Storage \(s.state.label) since ")
            PageParts.time(&w, s.since)
            w.text(
                ": the agent cannot write its state folder \(s.path)" + (s.error.map { " (\($0))" } ?? "")
                    + " and runs from memory. Not saved on the device until it is writable again: its state file, so an "
                    + "outage from now on (a power cut) will not be found by the agent at its next boot (missed heartbeats "
                    + "still show here); ")
            w.text(
                s.unsavedEvents == 0
                    ? "no event is waiting in memory only."
                    : "\(s.unsavedEvents) event(s) held in memory only, lost if the agent restarts.")
        }
    }

    /// Its acknowledgement, snooze and critical mark (docs/DESIGN.md "Acknowledge, snooze, critical").
    static func alerts(_ w: inout HTMLWriter, _ v: DeviceView) {
        if let ack = v.acknowledged {
            w.element(.p, [(.class, "cnote")]) { w in
                w.text(ack.by == DeviceAlerts.Ack.viaLink ? "Acknowledged via link, " : "Acknowledged by \(ack.by), ")
                PageParts.time(&w, ack.at)
                w.text(": no reminders for this outage.")
            }
        }
        if let until = v.snoozedUntil {
            w.element(.p, [(.class, "cnote")]) { w in
                w.text("Snoozed until ")
                PageParts.time(&w, until)
                w.text(": no messages about it until then.")
            }
        }
        if v.critical { w.element(.p, [(.class, "cnote")], text: "Critical: its down is sent at high priority.") }
    }

    static func facts(_ w: inout HTMLWriter, _ v: DeviceView, firstSeen: Date? = nil, now: Date) {
        w.element(.table, [(.class, "facts")]) { w in
            func row(_ k: String, _ body: (inout HTMLWriter) -> Void) {
                w.element(.tr) { w in
                    w.element(.th, text: k)
                    w.element(.td, [], body)
                }
            }
            if let m = v.maintenance {
                row("Maintenance") { w in
                    w.text("announced by the device, ")
                    PageParts.time(&w, m.start)
                    w.text(m.untilBack ? " until it is back after a reboot (at the latest " : " to ")
                    PageParts.time(&w, m.end)
                    w.text((m.untilBack ? ")" : "") + (m.reason.isEmpty ? "" : ": \(m.reason)"))
                }
            }
            row("Last seen") { w in if let s = v.lastSeen { PageParts.time(&w, s) } else { w.text("never") } }
            row("Booted") { w in
                if let s = v.lastSeen, let up = v.uptimeS { PageParts.time(&w, s - up) } else { w.text("–") }
            }
            row("Agent version") { $0.text(v.agentVersion ?? "–") }
            row("Boot id") { $0.text(v.bootID ?? "–") }
            row("Clock") { w in
                guard let synced = v.clockSynced else { return w.text("–") }
                w.text(
                    (synced ? "synced" : "NOT synced")
                        + (v.clockSkewS.map { String(format: ", %+.1f s from the collector", $0) } ?? ""))
            }
            row("Heartbeat every") { $0.text("\(v.intervalS) s") }
            row("Storage") { w in
                guard let warning = v.storage else { return w.text(v.lastSeen == nil ? "–" : "writable") }
                w.text("\(warning.state.label) since ")
                PageParts.time(&w, warning.since)
                w.text(" (\(warning.path))")
            }
            if let h = v.health { row("Power and temperature") { $0.text(PageParts.healthText(h)) } }
            row("Uptime 24 h / 7 d / 30 d") { w in
                w.text([v.uptime.day, v.uptime.week, v.uptime.month].map(PageParts.percent).joined(separator: " / "))
                if v.uptime.day != nil { PageParts.young(&w, firstSeen: firstSeen, window: 30 * 86_400, now: now) }
            }
            if !v.tags.isEmpty { row("Tags") { $0.text(v.tags.joined(separator: ", ")) } }
            row("Site") { $0.element(.a, [(.href, "/?site=\(v.site)")], text: v.site) }
            if let parent = v.dependsOn {
                row("Depends on") { w in
                    w.element(.a, [(.href, "/devices/\(parent)")], text: parent)
                    w.text(": while it is down, this device's silence is unreachable, not downtime")
                }
            }
            if let o = v.currentOutage { row("Outage now") { PageParts.currentOutage(&$0, o) } }
            row("Last outage") { PageParts.outage(&$0, v.lastOutage) }
        }
    }

    /// The device's time as one lane (pure): up from its first beat; outages by cause; maintenance, unreachable
    /// and agent-gap spans; the rest of the unknown time (paused, the collector away) as nothing known; boots (the
    /// agent's start in a boot not seen before) as ticks; power warnings from the log as a band below.
    static func lane(_ d: DeviceDetail, log: [Event], now: Date) -> TimelineDrawing.Lane {
        typealias Span = TimelineDrawing.Span
        var lane = TimelineDrawing.Lane()
        if let first = d.firstSeen {
            lane.spans.append(Span(start: first, end: now, kind: .up, title: TimelineDrawing.title(first, nil, "up")))
        }
        let special = Set(d.maintenance + d.behindParent)
        for u in d.unknown where !special.contains(u) {
            lane.spans.append(
                Span(
                    start: u.start, end: u.end, kind: .noData,
                    title: TimelineDrawing.title(u.start, u.end, "nothing known")))
        }
        for m in d.maintenance {
            lane.spans.append(
                Span(
                    start: m.start, end: m.end, kind: .maintenance,
                    title: TimelineDrawing.title(m.start, m.end, "maintenance")))
        }
        for u in d.behindParent {
            lane.spans.append(
                Span(
                    start: u.start, end: u.end, kind: .unreachable,
                    title: TimelineDrawing.title(u.start, u.end, "unreachable behind its parent")))
        }
        for o in d.outages {
            let words = o.cause == .unknown && o.end == nil ? "down, cause not known yet" : o.cause.label
            lane.spans.append(
                Span(
                    start: o.start, end: o.end ?? now, kind: .of(o.cause),
                    title: TimelineDrawing.title(o.start, o.end, words)))
        }
        var boots = Set<String>()
        var warningSince: Date?
        for e in log.sorted(by: { $0.at < $1.at }) {
            switch e.payload {
            case .agentStarted:
                guard let boot = e.bootID, boots.insert(boot).inserted else { continue }
                lane.ticks.append((e.at, "\(LogFormat.isoOffset(e.at)): agent started in a new boot"))
            case .powerWarning(.appeared, _):
                warningSince = warningSince ?? e.at
            case .powerWarning(.cleared, let words):
                guard let since = warningSince else { continue }
                lane.warnings.append(
                    Span(start: since, end: e.at, kind: .noData, title: TimelineDrawing.title(since, e.at, words)))
                warningSince = nil
            default:
                continue
            }
        }
        if let since = warningSince {
            lane.warnings.append(
                Span(start: since, end: now, kind: .noData, title: TimelineDrawing.title(since, nil, "power warning")))
        }
        return lane
    }

    /// The last 24 h and the last 7 days on one axis each, with a legend of what the colours mean.
    static func timelines(_ w: inout HTMLWriter, _ d: DeviceDetail, log: [Event], now: Date) {
        let lane = lane(d, log: log, now: now)
        w.element(.h2, text: "Last 24 hours")
        TimelineDrawing.render(&w, lane, from: now - 86_400, to: now, label: "\(d.view.name), the last 24 hours")
        TimelineDrawing.axis(&w, from: now - 86_400, to: now, count: 4, hours: true)
        w.element(.h2, text: "Last 7 days")
        TimelineDrawing.render(&w, lane, from: now - 7 * 86_400, to: now, label: "\(d.view.name), the last 7 days")
        TimelineDrawing.axis(&w, from: now - 7 * 86_400, to: now, count: 7, hours: false)
        let shown = Set(lane.spans.map(\.kind))
        TimelineDrawing.legend(
            &w, TimelineDrawing.Kind.allCases.filter { shown.contains($0) || $0 == .noData }, tick: !lane.ticks.isEmpty,
            warnings: !lane.warnings.isEmpty)
    }

    /// The power evidence of the agent's report behind `outage` (the log's outage event whose span overlaps it),
    /// e.g. "under-voltage last seen 40 s before the last-alive time"; nil without one.
    static func powerEvidence(_ outage: OutageView, log: [Event]) -> String? {
        guard outage.source != "collector" else { return nil }
        let end = outage.end ?? .distantFuture
        for event in log.reversed() {
            guard case .outage(let report) = event.payload, let words = report.powerEvidence else { continue }
            let from = report.start ?? report.end ?? event.at
            let to = report.end ?? event.at
            if from <= end && to >= outage.start { return words }
        }
        return nil
    }

    static func outages(_ w: inout HTMLWriter, _ list: [OutageView], log: [Event] = []) {
        guard !list.isEmpty else {
            return w.element(.p, [(.class, "mute")], text: "No outages recorded in the last 30 days.")
        }
        w.element(.table) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Start", "End", "Length", "Cause", "Known from"] { w.element(.th, text: h) }
                }
            }
            w.element(.tbody) { w in
                for outage in list.reversed() {
                    w.element(.tr) { w in
                        w.element(.td) { PageParts.time(&$0, outage.start) }
                        w.element(.td) { w in
                            if let e = outage.end { PageParts.time(&w, e) } else { w.element(.strong, text: "ongoing") }
                        }
                        w.element(.td, [(.class, "num")], text: Durations.text(outage.durationS))
                        w.element(.td) { w in
                            w.text(outage.cause.label)
                            if let words = powerEvidence(outage, log: log) {
                                w.element(.br)
                                w.element(.small, [(.class, "warn")], text: words)
                            }
                        }
                        w.element(
                            .td, [(.class, "mute")],
                            text: outage.source == "merged" ? "agent + collector" : outage.source)
                    }
                }
            }
        }
    }

    static func deliveryTable(_ w: inout HTMLWriter, _ rows: [DeliveryRecord]) {
        w.element(.table) { w in
            w.element(.tbody) { w in
                for record in rows {
                    w.element(.tr) { w in
                        w.element(.td) { PageParts.time(&$0, record.at) }
                        w.element(.td, text: "\(record.kind) via \(record.notifier)")
                        w.element(.td, text: record.ok ? "sent" : "failed (attempt \(record.attempt))")
                        w.element(.td, [(.class, "mute")], text: record.detail)
                    }
                }
            }
        }
    }

    static func logTable(_ w: inout HTMLWriter, _ log: some Sequence<Event>) {
        w.element(.table) { w in
            w.element(.tbody) { w in
                for event in log {
                    w.element(.tr) { w in
                        w.element(.td) { PageParts.time(&$0, event.at) }
                        w.element(.td, text: event.kind.rawValue)
                        w.element(.td, text: LogFormat.detail(event))
                    }
                }
            }
        }
    }
}
