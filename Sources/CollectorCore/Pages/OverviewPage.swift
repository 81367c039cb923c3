import CollectorRules
import DowntimeProtocol
import Foundation

/// The overview at `/`: one row per device, down first (a pure function of its data).
public enum OverviewPage {
    /// Devices matching a filter: part of the name or a tag, or exactly a status word.
    public static func matches(_ v: DeviceView, _ query: String) -> Bool {
        let q = query.trimmingCharacters(in: .whitespaces).lowercased()
        return q.isEmpty || v.name.contains(q) || v.tags.contains { $0.contains(q) } || v.status.rawValue == q
    }

    /// Every device of `devices` (a small fleet, tests): the model decides what is shown, as for the server.
    public static func render(
        _ devices: [DeviceDetail], now: Date, query: String? = nil,
        collector: CollectorHealth.Snapshot? = nil
    ) -> String {
        let model = OverviewModel.build(
            devices.map { OverviewModel.Entry($0.view) }, recent: [:],
            query: OverviewQuery(text: query), now: now)
        let byName = Dictionary(devices.map { ($0.view.name, $0) }, uniquingKeysWith: { a, _ in a })
        return render(model, details: byName, now: now, query: OverviewQuery(text: query), collector: collector)
    }

    /// The page of `model`; `details` holds a detail for each row the model shows (and only those need one).
    /// `feed` is the change feed's position when the model was read: the page's script follows the stream from there.
    public static func render(
        _ model: OverviewModel, details: [String: DeviceDetail], now: Date, query: OverviewQuery,
        collector: CollectorHealth.Snapshot? = nil, feed: String? = nil,
        ups: [(state: UPSState, events: [StoredUPSEvent])] = [], incidents: [Incident] = [],
        fleet: FleetUptime? = nil, jobs: [JobBoard.Entry] = [], local: LocalTime = .utc
    ) -> String {
        PageParts.document("DowntimeMon") { w in
            w.element(.header) { w in
                w.element(.h1, text: "DowntimeMon")
                w.element(.form, [(.method, "get"), (.action, "/"), (.role, "search")]) { w in
                    w.element(
                        .input,
                        [
                            (.type, "search"), (.name, "q"), (.value, query.text ?? ""),
                            (.placeholder, "Filter: name, tag or status"), (.ariaLabel, "Filter devices"),
                        ])
                }
            }
            var attrs: [(HTMLWriter.Attr, String)] = [(.dataComplete, model.complete ? "1" : "0")]
            if let feed { attrs.append((.dataFeed, feed)) }
            w.element(.main, attrs) { w in
                if let collector { CollectorNotice.render(&w, collector, now: now) }
                // In <main>, so the live refresh keeps it true.
                if let fleet { FleetHeader.render(&w, uptime: fleet, incidents: incidents, now: now) }
                w.element(.p, [(.class, "sum")], text: summary(model.counts))
                if model.counts.total == 0 {
                    empty(&w)
                } else if let list = model.list {
                    listSection(&w, model, list, details: details, now: now, query: query)
                } else {
                    problems(&w, model, details: details, now: now)
                }
                // Only when there are any: a fleet without jobs or incidents looks as it did.
                JobsTable.overview(&w, jobs, local: local, now: now)
                if !incidents.isEmpty {
                    w.element(.h2, text: "Incidents (last 30 days)")
                    IncidentPage.table(&w, incidents, now: now)
                }
                UPSSection.render(&w, ups, now: now)
            }
            w.element(.footer) { w in
                w.text("Times in your time zone · changes appear as they happen · ")
                w.element(.a, [(.href, WireProtocol.apiPrefix + "/summary")], text: "summary JSON")
                w.text(" · ")
                w.element(.a, [(.href, WireProtocol.apiPrefix + "/devices")], text: "devices JSON")
                if let mqtt = collector?.mqtt { w.text(" · " + mqtt.words) }
            }
        }
    }

    /// A large fleet: counts as links, every device that needs a look, the healthy rest by tag.
    static func problems(_ w: inout HTMLWriter, _ model: OverviewModel, details: [String: DeviceDetail], now: Date) {
        w.element(.nav, [(.class, "counts"), (.ariaLabel, "Devices by status")]) { w in
            for s in [DeviceStatus.down, .late, .unreachable, .new, .paused, .up] where model.counts[s] > 0 {
                w.element(
                    .a, [(.href, OverviewQuery(status: s).link()), (.class, "st " + s.rawValue)],
                    text: "\(model.counts[s]) \(s.rawValue)")
            }
            w.element(.a, [(.href, OverviewQuery(text: "").link())], text: "list all \(model.counts.total)")
        }
        w.element(.h2, text: "Needs a look (\(model.attentionTotal))")
        if model.attention.isEmpty {
            w.element(.p, [(.class, "mute")], text: "Nothing: every device is up and quiet.")
        } else {
            table(&w, model.attention, details: details, now: now)
            if model.attentionTotal > model.attention.count {
                w.element(.p) { w in
                    w.text("\(model.attentionTotal - model.attention.count) more not shown: ")
                    for s in [DeviceStatus.down, .late, .unreachable, .new, .paused] where model.counts[s] > 0 {
                        w.element(.a, [(.href, OverviewQuery(status: s).link())], text: "all \(s.rawValue)")
                        w.text(" ")
                    }
                }
            }
        }
        w.element(.h2, text: "By tag")
        w.element(.table, [(.class, "tags")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Tag", "Devices", "Up", "Down", "Late", "Unreachable", "New", "Paused"] {
                        w.element(.th, text: h)
                    }
                }
            }
            w.element(.tbody) { w in
                for t in model.tags {
                    w.element(.tr) { w in
                        w.element(.td) { w in
                            if let tag = t.tag {
                                w.element(.a, [(.href, OverviewQuery(tag: tag).link())], text: tag)
                            } else {
                                w.element(.span, [(.class, "mute")], text: "no tag")
                            }
                        }
                        let c = t.counts
                        for n in [c.total, c.up, c.down, c.late, c.unreachable, c.new, c.paused] {
                            w.element(.td, [(.class, "num")], text: String(n))
                        }
                    }
                }
            }
        }
    }

    /// One page of the (filtered) list; a small fleet without a filter is exactly today's table of every device.
    static func listSection(
        _ w: inout HTMLWriter, _ model: OverviewModel, _ rows: [OverviewModel.Row],
        details: [String: DeviceDetail], now: Date, query: OverviewQuery
    ) {
        if !model.complete {
            w.element(.p, [(.class, "pager")]) { w in
                let total = model.listTotal
                w.text(total == 0 ? "No device matches. " : "\(rows.count) of \(total) matching · ")
                if let next = model.next {
                    w.element(.a, [(.href, query.link(cursor: next)), (.rel, "next")], text: "next page →")
                    w.text(" · ")
                }
                w.element(.a, [(.href, "/")], text: "problems first")
            }
        }
        if !rows.isEmpty { table(&w, rows, details: details, now: now) }
    }

    /// "12 devices · 11 up · 1 down", with the other statuses only when present.
    public static func summary(_ views: [DeviceView]) -> String {
        var counts = StatusCounts()
        for v in views { counts.add(v.status) }
        return summary(counts)
    }

    public static func summary(_ counts: StatusCounts) -> String {
        var parts = ["\(counts.total) device\(counts.total == 1 ? "" : "s")"]
        for s in [DeviceStatus.up, .down, .late, .unreachable, .new, .paused] {
            let n = counts[s]
            if n > 0 || s == .up || s == .down { parts.append("\(n) \(s.rawValue)") }
        }
        return parts.joined(separator: " · ")
    }

    static func empty(_ w: inout HTMLWriter) {
        w.element(.div, [(.class, "empty")]) { w in
            w.element(.h2, text: "No devices yet")
            w.element(.p) { w in
                w.text("Add one on the collector: ")
                w.element(.code, text: "downtime-collector device add NAME")
                w.text(". It prints a token once; set it on the device as ")
                w.element(.code, text: "DOWNTIME_TOKEN")
                w.text(" with ")
                w.element(.code, text: "DOWNTIME_COLLECTOR_URL")
                w.text(
                    " pointing here, and start downtime-agent. Or set DOWNTIME_ENROLLMENT_KEY and let agents enroll.")
            }
        }
    }

    static func table(_ w: inout HTMLWriter, _ rows: [OverviewModel.Row], details: [String: DeviceDetail], now: Date) {
        w.element(.table, [(.class, "devs")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in [
                        "Status", "Device", "Last seen", "Down for", "Last outage", "24 h", "7 d", "30 d", "30 days",
                    ] {
                        w.element(.th, text: h)
                    }
                }
            }
            w.element(.tbody) { w in
                for r in rows {
                    if let d = details[r.entry.name] { row(&w, d, r, now: now) }
                }
            }
        }
    }

    static func row(_ w: inout HTMLWriter, _ d: DeviceDetail, _ r: OverviewModel.Row, now: Date) {
        let v = d.view
        var attrs: [(HTMLWriter.Attr, String)] = [(.dataName, v.name), (.dataStatus, v.status.rawValue)]
        if !v.tags.isEmpty { attrs.append((.dataTags, v.tags.joined(separator: " "))) }
        w.element(.tr, attrs) { w in
            w.element(.td) { w in
                PageParts.status(&w, v.status)
                PageParts.failingChecks(&w, r.entry.failingChecks)
            }
            w.element(.td) { w in
                w.element(.a, [(.href, "/devices/\(v.name)")], text: v.name)
                for t in v.tags { w.element(.span, [(.class, "tag")], text: t) }
                if v.snoozedUntil != nil { w.element(.span, [(.class, "tag")], text: "snoozed") }
                // The default site goes unsaid: a fleet without sites looks as it did.
                if v.site != SiteName.defaultName {
                    w.element(.a, [(.class, "site"), (.href, "/?site=\(v.site)")], text: "site \(v.site)")
                }
                if let s = v.storage { PageParts.storage(&w, s) }
                if let h = v.health { PageParts.power(&w, h) }
                if r.reasons.contains(.flapping) {
                    let n = r.recent.downs.count
                    w.element(.small, [(.class, "warn")], text: " flapping: \(n) outages within the hour")
                } else if r.reasons.contains(.back), let back = r.recent.lastBack {
                    w.element(.small, [(.class, "mute")]) { w in
                        w.text(" back up ")
                        PageParts.time(&w, back, relativeTo: now)
                    }
                }
            }
            w.element(.td) { w in
                if let seen = v.lastSeen { PageParts.time(&w, seen, relativeTo: now) } else { w.text("never") }
            }
            w.element(.td) { w in
                if let o = v.currentOutage {
                    w.element(.strong, text: Durations.text(o.durationS))
                } else {
                    w.text("–")
                }
            }
            w.element(.td) { w in
                // A device that is down is in an outage: that one, not the last closed one.
                if let o = v.currentOutage {
                    PageParts.currentOutage(&w, o)
                } else if v.status == .unreachable {
                    w.text("unreachable behind \(v.dependsOn ?? "its parent")")
                } else {
                    PageParts.outage(&w, v.lastOutage)
                }
            }
            for (share, window) in [
                (v.uptime.day, 86_400.0), (v.uptime.week, 7 * 86_400), (v.uptime.month, 30 * 86_400),
            ] {
                w.element(.td, [(.class, "num")]) { w in
                    w.text(PageParts.percent(share))
                    if share != nil { PageParts.young(&w, firstSeen: d.firstSeen, window: window, now: now) }
                }
            }
            w.element(.td) { DayBar.render(&$0, d.days) }
        }
    }
}
