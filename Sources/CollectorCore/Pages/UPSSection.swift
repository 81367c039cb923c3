import CollectorRules
import Foundation

/// The overview's "UPS" section (only when a UPS is configured): each UPS's state in words and its last events.
enum UPSSection {
    /// How many events each UPS shows on the page.
    static let eventLimit = 5

    static func render(_ w: inout HTMLWriter, _ ups: [(state: UPSState, events: [StoredUPSEvent])], now: Date) {
        guard !ups.isEmpty else { return }
        w.element(.section, [(.class, "ups"), (.ariaLabel, "UPS")]) { w in
            w.element(.h2, text: "UPS")
            w.element(.table, [(.class, "ups")]) { w in
                w.element(.thead) { w in
                    w.element(.tr) { w in
                        for h in ["UPS", "State", "Last events"] { w.element(.th, [(.scope, "col")], text: h) }
                    }
                }
                w.element(.tbody) { w in
                    for (state, events) in ups { row(&w, state, events, now: now) }
                }
            }
        }
    }

    static func row(_ w: inout HTMLWriter, _ s: UPSState, _ events: [StoredUPSEvent], now: Date) {
        let attention = s.readable == false || s.onBattery
        w.element(.tr, [(.dataName, s.name)]) { w in
            w.element(.th, [(.scope, "row")], text: s.name)
            w.element(.td, attention ? [(.class, "warn")] : []) { w in
                w.text(s.words)
                if let since = s.since {
                    w.text(" since ")
                    PageParts.time(&w, since)
                }
                if s.readable == false, let reason = s.reason { w.text(": \(reason)") }
            }
            w.element(.td) { w in
                if events.isEmpty {
                    w.element(.span, [(.class, "mute")], text: "none")
                } else {
                    w.element(.ul) { w in
                        for e in events.prefix(eventLimit) {
                            w.element(.li) { w in
                                PageParts.time(&w, e.at)
                                w.text(" \(e.event.summary)")
                            }
                        }
                    }
                }
            }
        }
    }
}
