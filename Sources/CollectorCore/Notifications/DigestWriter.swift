import CollectorRules
import DowntimeProtocol
import Foundation

/// Puts a digest's figures (`DigestReport`) into words: the text every channel sends, and an HTML part of tables for
/// e-mail (inline styles only, no remote images: a mail reader blocks those). Pure.
public enum DigestWriter {
    public static func notification(_ r: DigestReport, schedule: DigestSchedule?, time: LocalTime) -> Notification {
        let kind = schedule?.every == .weekly ? "Weekly" : "Daily"
        let span = time.span(r.period.start, r.period.end)
        return Notification(
            kind: .digest, devices: ["digest"],
            title: "\(kind) digest to \(time.stamp(r.period.end))",
            text: text(r, heading: "DowntimeMon \(kind.lowercased()) digest, \(span)", time: time),
            at: r.period.end, html: html(r, heading: "DowntimeMon \(kind.lowercased()) digest, \(span)", time: time))
    }

    /// "2 outages, 27m 0s total, longest 20m 0s (power loss or crash 1, clean reboot 1)", or "no outages".
    static func outages(_ d: DigestReport.DeviceLine) -> String {
        guard d.outages > 0 else { return "no outages" }
        let causes = d.causes.map { "\($0.cause.label) \($0.count)" }.joined(separator: ", ")
        return "\(d.outages) outage\(d.outages == 1 ? "" : "s"), \(Durations.text(d.down)) total, "
            + "longest \(Durations.text(d.longest)) (\(causes))"
    }

    static func downNow(_ d: DigestReport.DownNow, at: Date, time: LocalTime) -> String {
        guard let since = d.since else { return "\(d.name) down" }
        return "\(d.name) down since \(time.stamp(since)) (\(Durations.text(at.timeIntervalSince(since))))"
    }

    static func power(_ p: DigestReport.PowerWarning, time: LocalTime) -> String {
        "\(time.stamp(p.at)) \(p.device): \(p.warnings) \(p.state == .appeared ? "appeared" : "cleared")"
    }

    static func ups(_ e: StoredUPSEvent, time: LocalTime) -> String {
        "\(time.stamp(e.at)) UPS \(e.ups): \(e.event.summary)"
    }

    /// The sections after the devices' table, each with its lines (the same in text and HTML).
    static func sections(_ r: DigestReport, time: LocalTime) -> [(title: String, lines: [String])] {
        [
            ("Incidents", r.incidents.map { MessageWriter.incident($0, time: time).text }),
            ("Down now", r.downNow.map { downNow($0, at: r.period.end, time: time) }),
            ("Power warnings", r.powerWarnings.map { power($0, time: time) }),
            ("UPS events", r.upsEvents.map { ups($0, time: time) }),
        ]
    }

    static func text(_ r: DigestReport, heading: String, time: LocalTime) -> String {
        var lines = [
            heading, "", "Fleet uptime: \(PageParts.percent(r.fleetUptime))", "", "Devices (\(r.devices.count)):",
        ]
        let width = r.devices.map(\.name.count).max() ?? 0
        for d in r.devices {
            let name = d.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let share = PageParts.percent(d.uptime).padding(toLength: 8, withPad: " ", startingAt: 0)
            lines.append("  \(name)  \(share) \(outages(d))")
        }
        for s in sections(r, time: time) {
            lines +=
                ["", "\(s.title) (\(s.lines.count)):"] + (s.lines.isEmpty ? ["  none"] : s.lines.map { "  " + $0 })
        }
        return lines.joined(separator: "\n")
    }

    static func html(_ r: DigestReport, heading: String, time: LocalTime) -> String {
        var w = HTMLWriter()
        w.raw("<!DOCTYPE html>\n")
        w.element(.html, [(.lang, "en")]) { w in
            w.element(.head) { w in
                w.element(.meta, [(.charset, "utf-8")])
                w.element(.title, text: heading)
            }
            w.raw("\n")
            w.element(.body, [(.style, "font-family:sans-serif")]) { w in
                w.element(.h1, [(.style, "font-size:1.2em")], text: heading)
                w.element(.p) { w in
                    w.text("Fleet uptime: ")
                    w.element(.strong, text: PageParts.percent(r.fleetUptime))
                }
                w.raw("\n")
                table(&w, r)
                for s in sections(r, time: time) {
                    w.raw("\n")
                    w.element(.h2, [(.style, "font-size:1em")], text: "\(s.title) (\(s.lines.count))")
                    if s.lines.isEmpty {
                        w.element(.p, text: "none")
                        continue
                    }
                    w.element(.ul) { w in
                        for line in s.lines {
                            w.raw("\n")
                            w.element(.li, text: line)
                        }
                    }
                }
            }
        }
        w.raw("\n")
        return w.html
    }

    /// The devices' table, a row each.
    static func table(_ w: inout HTMLWriter, _ r: DigestReport) {
        let cell = "border:1px solid #ccc;padding:2px 8px;text-align:left"
        w.element(.table, [(.style, "border-collapse:collapse")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Device", "Uptime", "Outages", "Down", "Longest", "Causes"] {
                        w.element(.th, [(.style, cell)], text: h)
                    }
                }
            }
            w.element(.tbody) { w in
                for d in r.devices {
                    w.raw("\n")
                    w.element(.tr) { w in
                        let causes = d.causes.map { "\($0.cause.label) \($0.count)" }.joined(separator: ", ")
                        for v in [
                            d.name, PageParts.percent(d.uptime), "\(d.outages)", Durations.text(d.down),
                            Durations.text(d.longest), causes,
                        ] {
                            w.element(.td, [(.style, cell)], text: v)
                        }
                    }
                }
            }
        }
    }
}
