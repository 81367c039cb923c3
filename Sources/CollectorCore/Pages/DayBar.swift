import CollectorRules
import DowntimeProtocol
import Foundation

/// The 30-day bar (pure): one cell per UTC day, its colour a step of the day's share of downtime, from a sliver to
/// all day, so a 22 s outage is a light mark and a day without power is dark. Every cell has its figures as a text
/// alternative (`aria-label`, shown on hover and, for a day with downtime, on keyboard focus).
enum DayBar {
    /// The upper bounds of steps 1 to 4 as shares of the day's known time; above the last is step 5.
    static let steps: [Double] = [0.001, 0.01, 0.1, 0.5]

    /// 0 for a day without downtime, 1 (up to 0.1 %: 86 s of a whole day) to 5 (over half the day); nil when
    /// nothing of the day is known.
    static func step(_ d: Availability.Day) -> Int? {
        guard d.known > 0 else { return nil }
        guard d.down > 0 else { return 0 }
        let share = d.down / d.known
        return (steps.firstIndex { share <= $0 } ?? steps.count) + 1
    }

    /// "12-05: down 22s in 1 outage (99.97% up)", "12-05: no downtime", "12-05: no data".
    static func label(_ d: Availability.Day) -> String {
        let day = PageParts.day(d.start)
        guard d.known > 0 else { return "\(day): no data" }
        guard d.down > 0 else { return "\(day): no downtime" }
        let up = " (\(PageParts.percent(1 - d.down / d.known)) up)"
        // The stored figures of older days (a status page's 90) do not count outages.
        guard d.outages > 0 else { return "\(day): down \(Durations.text(d.down))" + up }
        let n = d.outages
        return "\(day): down \(Durations.text(d.down)) in \(n) outage\(n == 1 ? "" : "s")" + up
    }

    /// Quiet days and days without data next to each other are one cell as wide as they are ("11-01 – 11-20: no
    /// downtime"), so a mostly good month stays a light page; each day with downtime is a cell of its own.
    static func render(_ w: inout HTMLWriter, _ days: [Availability.Day]) {
        w.element(.span, [(.class, "bar"), (.role, "group"), (.ariaLabel, "last \(days.count) days, UTC")]) { w in
            var i = 0
            while i < days.count {
                let step = Self.step(days[i])
                var j = i + 1
                if (step ?? 0) == 0 { while j < days.count, Self.step(days[j]) == step { j += 1 } }
                var text = label(days[i])
                if j - i > 1, let colon = text.firstIndex(of: ":") {
                    text = "\(text[..<colon]) – \(label(days[j - 1]))"
                }
                var attrs: [(HTMLWriter.Attr, String)] = [
                    (.class, step.map { "d\($0)" } ?? "dn"), (.role, "img"), (.ariaLabel, text),
                ]
                if j - i > 1 { attrs.append((.style, "flex:\(j - i)")) }
                // Only the days that tell something are tab stops: every cell would bury the page's links.
                if (step ?? 0) > 0 { attrs.append((.tabindex, "0")) }
                w.element(.i, attrs)
                i = j
            }
        }
    }
}
