import CollectorRules
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

    /// A page with the shared CSS and, unless `script` is false (a form), the shared script.
    static func document(_ title: String, script: Bool = true, _ body: (inout HTMLWriter) -> Void) -> String {
        var w = HTMLWriter(capacity: 16_384)
        w.raw("<!DOCTYPE html>")
        w.element(.html, [(.lang, "en")]) { w in
            w.element(.head) { w in
                head(&w, title: title)
                w.element(.style) { $0.raw(PageAssets.css) }
                // Without JavaScript the page still refreshes itself.
                if script { w.element(.noscript) { $0.element(.meta, [(.httpEquiv, "refresh"), (.content, "30")]) } }
            }
            w.element(.body) { w in
                body(&w)
                if script { w.element(.script) { $0.raw(PageAssets.script) } }
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

    /// " · 1 check failing" after an up device's status, a link to the devices with failing checks.
    static func failingChecks(_ w: inout HTMLWriter, _ n: Int) {
        guard n > 0 else { return }
        w.text(" · ")
        w.element(
            .a, [(.class, "warn"), (.href, "/?checks=failing")],
            text: n == 1 ? "1 check failing" : "\(n) checks failing")
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

    /// A UTC day as the bars and axes name it: "12-05".
    static func day(_ d: Date) -> String {
        String(WireTime.format(d).prefix(10).dropFirst(5))
    }

    static func outage(_ w: inout HTMLWriter, _ o: OutageView?) {
        guard let o else {
            w.element(.span, [(.class, "mute")], text: "none")
            return
        }
        time(&w, o.start)
        w.text(" · \(Durations.text(o.durationS)) · \(o.cause.label)")
    }

    /// The outage a down device is in: "since 03:18:45 · cause not known yet" (unknown until its agent reports).
    static func currentOutage(_ w: inout HTMLWriter, _ o: OutageView) {
        w.element(.strong, text: "now: ")
        w.text("since ")
        time(&w, o.start)
        w.text(" · " + (o.cause == .unknown ? "cause not known yet" : o.cause.label))
    }

    /// "since added 1m 20s ago" when the device is younger than `window`: the share is taken over that time only.
    static func young(_ w: inout HTMLWriter, firstSeen: Date?, window: TimeInterval, now: Date) {
        guard let first = firstSeen, now.timeIntervalSince(first) < window else { return }
        w.element(
            .small, [(.class, "mute young")], text: " since added \(Durations.text(now.timeIntervalSince(first))) ago")
    }
}
