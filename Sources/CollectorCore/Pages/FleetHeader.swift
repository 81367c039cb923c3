import CollectorRules
import DowntimeProtocol
import Foundation

/// The overview's header figures (pure): the fleet's uptime over 24 h and 7 d, and the last 30 days as a strip of
/// incidents, a cell per UTC day (a day with one links to its page).
enum FleetHeader {
    static func render(_ w: inout HTMLWriter, uptime: FleetUptime, incidents: [Incident], now: Date) {
        w.element(.div, [(.class, "fleet")]) { w in
            w.element(.span) { w in
                w.text("Fleet uptime 24 h ")
                w.element(.strong, text: PageParts.percent(uptime.day))
                w.text(" · 7 d ")
                w.element(.strong, text: PageParts.percent(uptime.week))
            }
            strip(&w, days(incidents, now: now), now: now)
        }
    }

    /// The last 30 UTC days, oldest first, each with the incidents that started on it.
    static func days(_ incidents: [Incident], now: Date) -> [(start: Date, incidents: [Incident])] {
        let today = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        return (0..<30).map { k in
            let start = Date(timeIntervalSince1970: today - Double(29 - k) * 86_400)
            return (
                start,
                incidents.filter { $0.start >= start && $0.start < start + 86_400 }.sorted { $0.start < $1.start }
            )
        }
    }

    /// "12-05: power cut at home (22s), home unreachable (ongoing)" or "12-05: no incident".
    static func label(_ start: Date, _ incidents: [Incident], now: Date) -> String {
        let day = PageParts.day(start)
        guard !incidents.isEmpty else { return "\(day): no incident" }
        return "\(day): "
            + incidents.map {
                "\($0.headline) (\($0.end == nil ? "ongoing" : Durations.text($0.durationS(now: now))))"
            }.joined(separator: ", ")
    }

    static func strip(_ w: inout HTMLWriter, _ days: [(start: Date, incidents: [Incident])], now: Date) {
        w.element(.span, [(.class, "bar istrip"), (.role, "group"), (.ariaLabel, "incidents, last 30 days, UTC")]) {
            w in
            for d in days {
                let text = label(d.start, d.incidents, now: now)
                if let first = d.incidents.first {
                    let open = d.incidents.contains { $0.end == nil }
                    w.element(
                        .a, [(.class, open ? "i2" : "i1"), (.href, "/incidents/\(first.id)"), (.ariaLabel, text)])
                } else {
                    w.element(.i, [(.class, "i0"), (.role, "img"), (.ariaLabel, text)])
                }
            }
        }
    }
}
