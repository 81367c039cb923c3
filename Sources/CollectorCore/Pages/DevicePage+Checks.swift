import DowntimeProtocol
import Foundation

extension DevicePage {
    /// The device's service checks: state, since when, and the newest run's words.
    static func checksTable(_ w: inout HTMLWriter, _ checks: [CheckResult], now: Date) {
        w.element(.table, [(.class, "checks")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in for h in ["Check", "State", "Since", "Detail"] { w.element(.th, text: h) } }
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
                    }
                }
            }
        }
    }
}
