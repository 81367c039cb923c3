import DowntimeProtocol
import Foundation

/// The overview at `/`: one row per device, down first (a pure function of its data).
public enum OverviewPage {
    /// Devices matching a filter: part of the name or a tag, or exactly a status word.
    public static func matches(_ v: DeviceView, _ query: String) -> Bool {
        let q = query.trimmingCharacters(in: .whitespaces).lowercased()
        return q.isEmpty || v.name.contains(q) || v.tags.contains { $0.contains(q) } || v.status.rawValue == q
    }

    public static func render(_ devices: [DeviceDetail], now: Date, query: String? = nil,
                              collector: CollectorHealth.Snapshot? = nil) -> String {
        let shown = devices.filter { matches($0.view, query ?? "") }
        return PageParts.document("DowntimeMon") { w in
            w.element(.header) { w in
                w.element(.h1, text: "DowntimeMon")
                w.element(.form, [(.method, "get"), (.action, "/"), (.role, "search")]) { w in
                    w.element(.input, [(.type, "search"), (.name, "q"), (.value, query ?? ""), (.autocomplete, "off"),
                                       (.placeholder, "Filter: name, tag or status"), (.ariaLabel, "Filter devices")])
                }
            }
            w.element(.main) { w in
                if let collector { CollectorNotice.render(&w, collector, now: now) }
                w.element(.p, [(.class, "sum")], text: summary(devices.map(\.view)))
                if devices.isEmpty {
                    empty(&w)
                } else {
                    table(&w, shown, now: now)
                }
            }
            w.element(.footer) { w in
                w.text("Times in your time zone · updates every 5 s · ")
                w.element(.a, [(.href, "/api/v1/devices")], text: "JSON")
            }
        }
    }

    /// "12 devices · 11 up · 1 down", with the other statuses only when present.
    public static func summary(_ views: [DeviceView]) -> String {
        var parts = ["\(views.count) device\(views.count == 1 ? "" : "s")"]
        for s in [DeviceStatus.up, .down, .late, .new, .paused] {
            let n = views.filter { $0.status == s }.count
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
                w.text(" pointing here, and start downtime-agent. Or set DOWNTIME_ENROLLMENT_KEY and let agents enroll.")
            }
        }
    }

    static func table(_ w: inout HTMLWriter, _ devices: [DeviceDetail], now: Date) {
        w.element(.table, [(.class, "devs")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Status", "Device", "Last seen", "Down for", "Last outage", "24 h", "7 d", "30 d", "30 days"] {
                        w.element(.th, text: h)
                    }
                }
            }
            w.element(.tbody) { w in
                for d in devices { row(&w, d, now: now) }
            }
        }
    }

    static func row(_ w: inout HTMLWriter, _ d: DeviceDetail, now: Date) {
        let v = d.view
        var attrs: [(HTMLWriter.Attr, String)] = [(.dataName, v.name), (.dataStatus, v.status.rawValue)]
        if !v.tags.isEmpty { attrs.append((.dataTags, v.tags.joined(separator: " "))) }
        w.element(.tr, attrs) { w in
            w.element(.td) { PageParts.status(&$0, v.status) }
            w.element(.td) { w in
                w.element(.a, [(.href, "/devices/\(v.name)")], text: v.name)
                for t in v.tags { w.element(.span, [(.class, "tag")], text: t) }
                if let s = v.storage { PageParts.storage(&w, s) }
                if let h = v.health { PageParts.power(&w, h) }
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
            w.element(.td) { PageParts.outage(&$0, v.lastOutage) }
            w.element(.td, [(.class, "num")], text: PageParts.percent(v.uptime.day))
            w.element(.td, [(.class, "num")], text: PageParts.percent(v.uptime.week))
            w.element(.td, [(.class, "num")], text: PageParts.percent(v.uptime.month))
            w.element(.td) { PageParts.bar(&$0, d.days) }
        }
    }
}
