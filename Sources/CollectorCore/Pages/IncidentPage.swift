import CollectorRules
import DowntimeProtocol
import Foundation

/// The page of one incident at `/incidents/{id}`, and the incidents table the overview and the device page share
/// (pure functions of their data).
public enum IncidentPage {
    public static func render(_ i: Incident, now: Date) -> String {
        PageParts.document("\(i.headline) · DowntimeMon") { w in
            w.element(.header) { w in
                w.element(.h1) { w in
                    w.element(.a, [(.href, "/")], text: "DowntimeMon")
                    w.text(" / \(i.headline)")
                }
            }
            w.element(.main) { w in
                summary(&w, i, now: now)
                w.element(.h2, text: "Who went first, who came back last")
                lanes(&w, i, now: now)
                w.element(.h2, text: "Devices down")
                members(&w, i, now: now)
                w.element(.h2, text: "Stayed up")
                stayedUp(&w, i)
            }
            w.element(.footer) { w in
                w.element(
                    .a, [(.href, "\(WireProtocol.apiPrefix)/incidents?site=\(i.site)")],
                    text: "incidents of \(i.site) as JSON")
            }
        }
    }

    /// The span and what kind of incident it is, then what else is known: mains out, the collector down with the
    /// site, the devices still down.
    static func summary(_ w: inout HTMLWriter, _ i: Incident, now: Date) {
        w.element(.p, [(.class, "sum")]) { w in
            w.text("From ")
            PageParts.time(&w, i.start)
            if let end = i.end {
                w.text(" to ")
                PageParts.time(&w, end)
                w.text(" (\(Durations.text(i.durationS(now: now))))")
            } else {
                w.text(", ongoing")
            }
            w.text(". ")
            w.text(explanation(i))
        }
        if let mains = i.mainsOut {
            w.element(.p) { w in
                w.text("Mains out at ")
                PageParts.time(&w, mains.at)
                w.text(", exact: the UPS \(mains.ups) went on battery then.")
            }
        }
        if i.collectorDown {
            w.element(
                .p, [(.class, "warn")],
                text: "The collector, in this site too, was down over the same time: the whole site lost power.")
        }
        if !i.stillDown.isEmpty {
            let names = i.stillDown.map(\.device).joined(separator: ", ")
            w.element(
                .p, [(.class, "warn")],
                text: "Ongoing: \(names) still down. The incident stays open until each is back, or has been "
                    + "silent for \(Durations.text(IncidentCorrelator.giveUpAfter)) (then: never came back).")
        }
    }

    /// The members' outages as a table: device, start, end (or how it stands), length, cause.
    static func members(_ w: inout HTMLWriter, _ i: Incident, now: Date) {
        w.element(.table) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Device", "Start", "End", "Length", "Cause"] { w.element(.th, text: h) }
                }
            }
            w.element(.tbody) { w in
                for m in i.members {
                    w.element(.tr) { w in
                        w.element(.td) { $0.element(.a, [(.href, "/devices/\(m.device)")], text: m.device) }
                        w.element(.td) { PageParts.time(&$0, m.start) }
                        w.element(.td) { w in
                            if m.standing == .back, let e = m.end {
                                PageParts.time(&w, e)
                            } else {
                                w.element(.strong, text: m.standing.words)
                            }
                        }
                        w.element(
                            .td, [(.class, "num")],
                            text: Durations.text(max(0, (m.end ?? now).timeIntervalSince(m.start))))
                        w.element(.td, text: m.cause == .unknown && m.end == nil ? "not known yet" : m.cause.label)
                    }
                }
            }
        }
    }

    /// The site's other devices that were up throughout, or a line saying there were none.
    static func stayedUp(_ w: inout HTMLWriter, _ i: Incident) {
        if i.unaffected.isEmpty {
            w.element(.p, [(.class, "mute")], text: "No other device of \(i.site) was known to be up throughout.")
        } else {
            w.element(.ul) { w in
                for name in i.unaffected {
                    w.element(.li) { $0.element(.a, [(.href, "/devices/\(name)")], text: name) }
                }
            }
        }
    }

    /// The members side by side on one time axis (the incident with a margin either side): each one's outage as a
    /// block coloured by its cause.
    static func lanes(_ w: inout HTMLWriter, _ i: Incident, now: Date) {
        let end = i.end ?? now
        let margin = max(60, end.timeIntervalSince(i.start) * 0.1)
        let from = i.start - margin
        let to = min(now, end + margin)
        w.element(.div, [(.class, "lanes")]) { w in
            for m in i.members {
                w.element(.div, [(.class, "lane")]) { w in
                    w.element(.a, [(.href, "/devices/\(m.device)")], text: m.device)
                    let words =
                        m.standing == .back
                        ? m.cause.label
                        : m.standing.words
                            + (m.standing == .stillDown && m.cause == .unknown ? ", cause not known yet" : "")
                    var lane = TimelineDrawing.Lane()
                    lane.spans = [
                        .init(start: from, end: to, kind: .up, title: "\(m.device) up outside its outage"),
                        .init(
                            start: m.start, end: m.end ?? now, kind: .of(m.cause),
                            title: "\(m.device): " + TimelineDrawing.title(m.start, m.end, words)),
                    ]
                    TimelineDrawing.render(&w, lane, from: from, to: to, label: "\(m.device) in the incident")
                }
            }
        }
        TimelineDrawing.axis(&w, from: from, to: to, count: 4, hours: true)
        TimelineDrawing.legend(
            &w,
            Array(Set(i.members.map { TimelineDrawing.Kind.of($0.cause) })).sorted { $0.rawValue < $1.rawValue } + [
                .up
            ], tick: false, warnings: false)
    }

    static func explanation(_ i: Incident) -> String {
        switch i.kind {
        case .powerCut:
            "Each device below lost power (or crashed) and found the outage itself at its next boot; their outages "
                + "started together."
        case .network:
            "The devices below stopped reaching the collector together and reported it unreachable without rebooting: "
                + "a network outage, not counted as their downtime."
        }
    }

    /// The incidents as a table: kind, site, span, devices, what stayed up; each row links to its page.
    static func table(_ w: inout HTMLWriter, _ incidents: [Incident], now: Date) {
        w.element(.table, [(.class, "incidents")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Incident", "Site", "Start", "Length", "Devices down", "Stayed up"] {
                        w.element(.th, text: h)
                    }
                }
            }
            w.element(.tbody) { w in
                for i in incidents {
                    w.element(.tr) { w in
                        w.element(.td) { w in
                            w.element(
                                .a, [(.href, "/incidents/\(i.id)")], text: i.kind == .powerCut ? "power cut" : "network"
                            )
                            if i.collectorDown { w.element(.small, [(.class, "mute")], text: " with the collector") }
                        }
                        w.element(.td, text: i.site)
                        w.element(.td) { PageParts.time(&$0, i.start) }
                        w.element(
                            .td, [(.class, "num")],
                            text: i.end == nil ? "ongoing" : Durations.text(i.durationS(now: now)))
                        w.element(
                            .td,
                            text: i.members.map {
                                $0.standing == .back ? $0.device : "\($0.device) (\($0.standing.words))"
                            }.joined(separator: ", "))
                        w.element(.td, text: i.unaffected.isEmpty ? "–" : i.unaffected.joined(separator: ", "))
                    }
                }
            }
        }
    }
}
