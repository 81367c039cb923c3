import DowntimeProtocol
import Foundation

/// Shared pieces of the server-rendered pages.
enum PageParts {
    /// What every page's head starts with: encoding, phone width, both colour schemes, the title.
    static func head(_ w: inout HTMLWriter, title: String) {
        w.element(.meta, [(.charset, "utf-8")])
        w.element(.meta, [(.name, "viewport"), (.content, "width=device-width,initial-scale=1")])
        w.element(.meta, [(.name, "color-scheme"), (.content, "light dark")])
        w.element(.title, text: title)
    }

    static func document(_ title: String, _ body: (inout HTMLWriter) -> Void) -> String {
        var w = HTMLWriter(capacity: 16_384)
        w.raw("<!DOCTYPE html>")
        w.element(.html, [(.lang, "en")]) { w in
            w.element(.head) { w in
                head(&w, title: title)
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
            w.element(
                .rect, [(.x, String(from * 4)), (.width, String((to - from) * 4 - 1)), (.height, "10"), (.class, cls)]
            ) {
                $0.element(.title, text: "\(span): \(what)")
            }
        }
        w.element(
            .svg,
            [(.class, "bar"), (.viewBox, "0 0 \(days.count * 4) 10"), (.preserveAspectRatio, "none"), (.role, "img")]
        ) { w in
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
                    rect(
                        &w, i, j, cls,
                        "down \(Durations.text(days[i].down)) (\(percent(1 - days[i].down / days[i].known)) up)")
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
