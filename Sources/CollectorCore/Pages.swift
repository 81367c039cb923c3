import DowntimeProtocol
import Foundation

/// Shared pieces of the server-rendered pages.
enum PageParts {
    static func document(_ title: String, _ body: (inout HTMLWriter) -> Void) -> String {
        var w = HTMLWriter(capacity: 16_384)
        w.raw("<!DOCTYPE html>")
        w.element(.html, [(.lang, "en")]) { w in
            w.element(.head) { w in
                w.element(.meta, [(.charset, "utf-8")])
                w.element(.meta, [(.name, "viewport"), (.content, "width=device-width,initial-scale=1")])
                w.element(.meta, [(.name, "color-scheme"), (.content, "light dark")])
                w.element(.title, text: title)
                w.element(.style) { $0.raw(PageAssets.css) }
                // Without JavaScript the page still refreshes itself.
                w.element(.noscript) { $0.element(.meta, [(.httpEquiv, "refresh"), (.content, "30")]) }
            }
            w.element(.body) { w in
                body(&w)
                w.element(.script) { $0.raw(PageAssets.script) }
            }
        }
        return w.html
    }

    static func time(_ w: inout HTMLWriter, _ d: Date, relativeTo now: Date? = nil) {
        let iso = LogFormat.isoOffset(d)
        var attrs: [(HTMLWriter.Attr, String)] = [(.datetime, WireTime.format(d)), (.title, iso)]
        if now != nil { attrs.append((.dataRel, "")) }
        w.element(.time, attrs, text: now.map { Durations.text($0.timeIntervalSince(d)) + " ago" } ?? iso)
    }

    /// "storage read-only since 14:02", for a device whose agent cannot write its state folder.
    static func storage(_ w: inout HTMLWriter, _ s: StorageWarning) {
        w.element(.small, [(.class, "warn")]) { w in
            w.text(" storage \(s.state.label) since ")
            time(&w, s.since)
        }
    }

    /// "power: under-voltage since boot", for a device whose firmware reported a power problem.
    static func power(_ w: inout HTMLWriter, _ h: DeviceHealth) {
        guard h.hasPowerWarning else { return }
        w.element(.small, [(.class, "warn")], text: " power: " + h.warnings.joined(separator: ", "))
    }

    /// "under-voltage since boot · 52.3 °C", or "no warning · 48 °C"; what the device does not say is left out.
    static func healthText(_ h: DeviceHealth) -> String {
        var parts: [String] = []
        if h.knowsPower {
            let words = h.warnings.joined(separator: ", ")
            parts.append(words.isEmpty ? "no under-voltage or throttling since boot" : words)
        }
        if let t = h.tempC { parts.append(String(format: "%.1f °C", t)) }
        return parts.joined(separator: " · ")
    }

    static func status(_ w: inout HTMLWriter, _ s: DeviceStatus) {
        w.element(.span, [(.class, "st " + s.rawValue)], text: s.rawValue)
    }

    /// Rounded down, so a device with any downtime never shows 100%.
    /// Integer arithmetic: `String(format:)` was a third of the overview's render time.
    static func percent(_ v: Double?) -> String {
        guard let v else { return "–" }
        if v >= 1 { return "100%" }
        let digits = v >= 0.9995 ? 3 : 2
        let scale = digits == 3 ? 1000 : 100
        let scaled = Int((max(0, v) * 100 * Double(scale)).rounded(.down))
        let fraction = String(scaled % scale)
        return "\(scaled / scale)." + String(repeating: "0", count: digits - fraction.count) + fraction + "%"
    }

    static func dayClass(_ d: Availability.Day) -> String {
        if d.known <= 0 { return "b-none" }
        if d.down <= 0 { return "b-ok" }
        return d.down / d.known <= 0.01 ? "b-minor" : "b-major"
    }

    /// The 30-day bar: one background for the quiet days, and on top of it one segment per day with
    /// downtime (hover tells it) and per stretch without data, so a mostly good month stays light.
    static func bar(_ w: inout HTMLWriter, _ days: [Availability.Day]) {
        func label(_ d: Availability.Day) -> Substring { WireTime.format(d.start).prefix(10).dropFirst(5) }
        func rect(_ w: inout HTMLWriter, _ from: Int, _ to: Int, _ cls: String, _ what: String) {
            let span = to - from > 1 ? "\(label(days[from])) – \(label(days[to - 1]))" : String(label(days[from]))
            w.element(.rect, [(.x, String(from * 4)), (.width, String((to - from) * 4 - 1)), (.height, "10"), (.class, cls)]) {
                $0.element(.title, text: "\(span): \(what)")
            }
        }
        w.element(.svg, [(.class, "bar"), (.viewBox, "0 0 \(days.count * 4) 10"), (.preserveAspectRatio, "none"), (.role, "img")]) { w in
            if let first = days.firstIndex(where: { $0.known > 0 }) {
                rect(&w, first, days.count, "b-ok", "no downtime unless marked")
            }
            var i = 0
            while i < days.count {
                let cls = dayClass(days[i])
                var j = i + 1
                switch cls {
                case "b-ok":
                    break
                case "b-none":
                    while j < days.count, dayClass(days[j]) == cls { j += 1 }
                    rect(&w, i, j, cls, "no data")
                default:
                    rect(&w, i, j, cls, "down \(Durations.text(days[i].down)) (\(percent(1 - days[i].down / days[i].known)) up)")
                }
                i = j
            }
        }
    }

    static func outage(_ w: inout HTMLWriter, _ o: OutageView?) {
        guard let o else {
            w.element(.span, [(.class, "mute")], text: "none")
            return
        }
        time(&w, o.start)
        w.text(" · \(Durations.text(o.durationS)) · \(o.cause.label)")
    }
}

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
