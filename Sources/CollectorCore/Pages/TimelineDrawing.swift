import CollectorRules
import DowntimeProtocol
import Foundation

/// A stretch of time as one SVG drawn by the collector (pure; no script library, no CDN): spans as blocks coloured
/// by what they were, reboots as ticks, power warnings as a band below. Each block and tick has a `<title>` (hover;
/// a tab stop with it for keyboard and screen readers) whose times the page's script shows in the reader's zone.
/// Used for a device's last 24 h and 7 days and, one lane per member, for an incident.
enum TimelineDrawing {
    /// What a span was; each is a CSS class and a word in the legend.
    enum Kind: String, CaseIterable {
        case up = "t-up"
        case power = "t-power"
        case reboot = "t-reboot"
        case unknownCause = "t-unk"
        case network = "t-net"
        case agentGap = "t-gap"
        case unreachable = "t-unr"
        case maintenance = "t-maint"
        case noData = "t-none"

        var words: String {
            switch self {
            case .up: "up"
            case .power: "down: power loss or crash"
            case .reboot: "down: reboot, stop or suspend"
            case .unknownCause: "down: cause not known"
            case .network: "network (device up, not heard)"
            case .agentGap: "agent stopped (device up)"
            case .unreachable: "unreachable behind its parent"
            case .maintenance: "maintenance"
            case .noData: "nothing known"
            }
        }

        static func of(_ cause: OutageCause) -> Kind {
            switch cause {
            case .powerLoss: .power
            case .cleanReboot, .agentStopped, .suspend: .reboot
            case .unknown: .unknownCause
            case .network: .network
            case .agentGap: .agentGap
            }
        }
    }

    struct Span: Equatable {
        var start: Date
        var end: Date
        var kind: Kind
        var title: String
    }

    /// One row of the drawing: its spans (later ones drawn over earlier ones), ticks and warning band.
    struct Lane: Equatable {
        var spans: [Span] = []
        var ticks: [(at: Date, title: String)] = []
        var warnings: [Span] = []

        static func == (a: Lane, b: Lane) -> Bool {
            a.spans == b.spans && a.warnings == b.warnings && a.ticks.map(\.at) == b.ticks.map(\.at)
                && a.ticks.map(\.title) == b.ticks.map(\.title)
        }
    }

    /// Units across the drawing (its viewBox width).
    static let width = 1000.0
    /// A block is never narrower than this (0.4 % of the width: 40 minutes of a week), so a 22 s outage shows.
    static let minWidth = 4.0

    /// The x of `t` in `[from, to]`, clamped.
    static func x(_ t: Date, from: Date, to: Date) -> Double {
        let span = max(1, to.timeIntervalSince(from))
        return (max(0, min(span, t.timeIntervalSince(from))) / span * width)
    }

    /// Where a span is drawn: at least `minWidth` wide, kept inside the drawing; nil when outside the window.
    static func extent(_ s: Span, from: Date, to: Date) -> (x: Double, w: Double)? {
        guard s.end >= from, s.start <= to else { return nil }
        let a = x(s.start, from: from, to: to)
        let b = x(s.end, from: from, to: to)
        let w = max(minWidth, b - a)
        return (min(a, width - w), w)
    }

    static func render(_ w: inout HTMLWriter, _ lane: Lane, from: Date, to: Date, label: String) {
        let height = lane.warnings.isEmpty ? 24 : 32
        w.element(
            .svg,
            [
                (.class, "tl"), (.viewBox, "0 0 \(Int(width)) \(height)"), (.preserveAspectRatio, "none"),
                (.ariaLabel, label),
            ]
        ) { w in
            w.element(.rect, [(.width, "\(Int(width))"), (.height, "24"), (.class, Kind.noData.rawValue)])
            for s in lane.spans {
                guard let e = extent(s, from: from, to: to) else { continue }
                block(&w, x: e.x, w: e.w, y: 0, h: 24, cls: s.kind.rawValue, title: s.title, focus: s.kind != .up)
            }
            for t in lane.ticks where t.at >= from && t.at <= to {
                let tx = min(x(t.at, from: from, to: to), width - 2)
                block(&w, x: tx, w: 2, y: 0, h: 24, cls: "t-tick", title: t.title, focus: true)
            }
            for s in lane.warnings {
                guard let e = extent(s, from: from, to: to) else { continue }
                block(&w, x: e.x, w: e.w, y: 26, h: 6, cls: "t-pw", title: s.title, focus: true)
            }
        }
    }

    private static func block(
        _ w: inout HTMLWriter, x: Double, w width: Double, y: Int, h: Int, cls: String, title: String, focus: Bool
    ) {
        var attrs: [(HTMLWriter.Attr, String)] = [
            (.x, units(x)), (.y, String(y)), (.width, units(width)), (.height, String(h)), (.class, cls),
        ]
        // A focusable block is an image named by its text (axe reads `aria-label`, a hover shows the `<title>`).
        if focus { attrs += [(.tabindex, "0"), (.role, "img"), (.ariaLabel, title)] }
        w.element(.rect, attrs) { $0.element(.title, text: title) }
    }

    /// One decimal: enough for 1000 units, short in the page.
    static func units(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }

    /// The axis under a drawing: `count + 1` marks from `from` to `to`, as `<time>` the script shows locally.
    static func axis(_ w: inout HTMLWriter, from: Date, to: Date, count: Int, hours: Bool) {
        w.element(.div, [(.class, "days")]) { w in
            for k in 0...count {
                let t = from + Double(k) * to.timeIntervalSince(from) / Double(count)
                if k == count {
                    w.element(.span, text: "now")
                } else {
                    let iso = WireTime.format(t)
                    let fallback = hours ? String(iso.dropFirst(11).prefix(5)) : PageParts.day(t)
                    w.element(.time, [(.datetime, iso), hours ? (.dataHour, "") : (.dataDay, "")], text: fallback)
                }
            }
        }
    }

    /// The colours and their words, once per page.
    static func legend(_ w: inout HTMLWriter, _ kinds: [Kind], tick: Bool, warnings: Bool) {
        w.element(.ul, [(.class, "legend")]) { w in
            for k in kinds {
                w.element(.li) { w in
                    w.element(.i, [(.class, k.rawValue)])
                    w.text(k.words)
                }
            }
            if tick {
                w.element(.li) { w in
                    w.element(.i, [(.class, "t-tick")])
                    w.text("boot")
                }
            }
            if warnings {
                w.element(.li) { w in
                    w.element(.i, [(.class, "t-pw")])
                    w.text("power warning (under-voltage, throttling)")
                }
            }
        }
    }

    /// "2026-12-05T03:18:45+00:00 – 03:19:07: power loss or crash, 22s": the script turns the times local.
    static func title(_ start: Date, _ end: Date?, _ what: String) -> String {
        let to = end.map { LogFormat.isoOffset($0) } ?? "now"
        let length = end.map { " (\(Durations.text(max(0, $0.timeIntervalSince(start)))))" } ?? ", ongoing"
        return "\(LogFormat.isoOffset(start)) – \(to): \(what)\(length)"
    }
}
