import CollectorRules
import DowntimeProtocol
import Foundation

/// A public status page as HTML and JSON (pure), from `StatusPageModel` only: it has nothing private to show.
enum StatusPageView {
    /// The page: one item per device (label, state, 90-day bar, uptime), then the incidents. `feed` is the change
    /// feed's position when the model was read; the page's script follows `/status/NAME/stream` from there.
    static func html(_ m: StatusPageModel, page: String, feed: String, now: Date) -> String {
        PageParts.document(m.title) { w in
            w.element(.header) { w in
                w.element(.h1, text: m.title)
                let up = m.rows.filter { $0.status == .up }.count
                w.element(.p, [(.class, "sum")], text: summary(m, up: up))
            }
            w.element(
                .main, [(.dataFeed, feed), (.dataStream, "/status/\(page)/stream")]
            ) { w in
                devices(&w, m.rows)
                incidents(&w, m.entries, now: now)
            }
            w.element(.footer) { w in
                w.text("Updated ")
                PageParts.time(&w, now)
                w.text(". Daily bars are UTC days; hover or focus a day for its downtime.")
            }
        }
    }

    static func summary(_ m: StatusPageModel, up: Int) -> String {
        if m.rows.isEmpty { return "No devices on this page yet." }
        return up == m.rows.count ? "All \(m.rows.count) up." : "\(up) of \(m.rows.count) up."
    }

    private static func devices(_ w: inout HTMLWriter, _ rows: [StatusPageModel.Row]) {
        w.element(.h2, text: "Devices")
        w.element(.ul, [(.class, "sp")]) { w in
            for r in rows {
                w.element(.li, [(.dataName, r.label), (.dataStatus, r.status.rawValue)]) { w in
                    w.element(.div, [(.class, "sph")]) { w in
                        w.element(.strong, text: r.label)
                        PageParts.status(&w, r.status)
                        if let since = r.downSince {
                            w.element(.small) { w in
                                w.text("down since ")
                                PageParts.time(&w, since)
                            }
                        }
                        w.element(.small, [(.class, "mute")], text: PageParts.percent(r.uptime) + " up over 90 days")
                    }
                    w.element(.div, [(.class, "wide")]) { DayBar.render(&$0, r.days) }
                }
            }
        }
    }

    private static func incidents(_ w: inout HTMLWriter, _ entries: [StatusPageModel.Entry], now: Date) {
        w.element(.h2, text: "Incidents")
        guard !entries.isEmpty else {
            w.element(.p, [(.class, "empty")], text: "No incidents or outages in the last 90 days.")
            return
        }
        w.element(.ul, [(.class, "sp")]) { w in
            for e in entries {
                w.element(.li) { w in
                    w.element(.strong, text: e.kind.words)
                    w.text(" · ")
                    PageParts.time(&w, e.start)
                    let length = Durations.text(e.lengthS(now: now))
                    w.text(e.end == nil ? " · going on for \(length)" : " · lasted \(length)")
                    w.element(.small, [(.class, "mute")], text: " · " + e.devices.joined(separator: ", "))
                }
            }
        }
    }

    /// The page's JSON: the same content as its HTML.
    static func json(_ m: StatusPageModel, now: Date) -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        w.object { w in
            w.key("title")
            w.string(m.title)
            w.key("updated_at")
            w.date(now)
            w.key("devices")
            w.array { w in for r in m.rows { row(&w, r) } }
            w.key("incidents")
            w.array { w in
                for e in m.entries {
                    w.object { w in
                        w.key("kind")
                        w.string(e.kind.code)
                        w.key("title")
                        w.string(e.kind.words)
                        w.key("start")
                        w.date(e.start)
                        w.key("end")
                        w.date(e.end)
                        w.key("duration_s")
                        w.double(e.lengthS(now: now).rounded())
                        w.key("devices")
                        w.array { w in for d in e.devices { w.string(d) } }
                    }
                }
            }
        }
        return w.bytes
    }

    private static func row(_ w: inout JSONWriter, _ r: StatusPageModel.Row) {
        w.object { w in
            w.key("name")
            w.string(r.label)
            w.key("status")
            w.string(r.status.rawValue)
            w.key("down_since")
            w.date(r.downSince)
            w.key("uptime_90d")
            w.double(r.uptime)
            w.key("days")
            w.array { w in
                for d in r.days {
                    w.object { w in
                        w.key("day")
                        w.string(String(WireTime.format(d.start).prefix(10)))
                        w.key("down_s")
                        w.double(d.down.rounded())
                        w.key("known_s")
                        w.double(d.known.rounded())
                    }
                }
            }
        }
    }

    /// The password form of a page that has one; `wrong` after a wrong password.
    static func locked(_ page: String, wrong: Bool) -> String {
        PageParts.document("Status page", script: false) { w in
            w.element(.header) { $0.element(.h1, text: "Status page") }
            w.element(.main) { w in
                if wrong { w.element(.p, [(.class, "cnote bad")], text: "Wrong password.") }
                w.element(.p, text: "This status page needs its password.")
                w.element(.form, [(.method, "post"), (.action, "/status/\(page)")]) { w in
                    w.element(.label) { w in
                        w.text("Password ")
                        w.element(
                            .input,
                            [(.type, "password"), (.name, "password"), (.autocomplete, "current-password")])
                    }
                    w.text(" ")
                    w.element(.input, [(.type, "submit"), (.value, "open")])
                }
            }
        }
    }

    /// The answer to a page that does not exist.
    static func notFound() -> String {
        PageParts.document("Not found", script: false) { w in
            w.element(.header) { $0.element(.h1, text: "Not found") }
            w.element(.main) { $0.element(.p, text: "There is no status page here.") }
        }
    }
}
