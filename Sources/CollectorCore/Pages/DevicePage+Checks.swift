import CollectorRules
import DowntimeProtocol
import Foundation

extension DevicePage {
    /// The device's service checks: state, since when, the newest run's words, and the last 30 days from the stored
    /// flips, drawn as the device's own bar (failing time as downtime).
    static func checksTable(
        _ w: inout HTMLWriter, _ checks: [CheckResult], days: [String: [Availability.Day]] = [:], now: Date
    ) {
        w.element(.table, [(.class, "checks")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Check", "State", "Since", "Detail", "Last 30 days"] { w.element(.th, text: h) }
                }
            }
            w.element(.tbody) { w in
                for c in checks {
                    w.element(.tr, [(.dataName, c.name)]) { w in
                        w.element(.td, text: c.name)
                        w.element(.td) { w in
                            w.element(.span, [(.class, c.state == .failing ? "warn" : "mute")], text: c.state.rawValue)
                        }
                        w.element(.td) { PageParts.time(&$0, c.since, relativeTo: now) }
                        w.element(.td, text: c.detail.isEmpty ? "–" : c.detail)
                        w.element(.td, [(.class, "wide")]) { w in
                            if let d = days[c.name] { DayBar.render(&w, d) } else { w.text("–") }
                        }
                    }
                }
            }
        }
    }
}
