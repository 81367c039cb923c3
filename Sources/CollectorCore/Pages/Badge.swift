import DowntimeProtocol
import Foundation

/// Status badges: a small SVG (status word and colour) and a JSON form for dashboards.
public enum Badge {
    /// What a badge says: the label, the message and its colour.
    public struct Content: Codable, Sendable, Equatable {
        public var label: String
        public var message: String
        public var color: String
        /// The status word, or the worst status of a group.
        public var status: String

        public init(label: String, message: String, color: String, status: String) {
            self.label = label
            self.message = message
            self.color = color
            self.status = status
        }
    }

    static func color(_ s: DeviceStatus) -> String {
        switch s {
        case .up: "#2e7d32"
        case .late: "#b35900"
        case .down: "#c62828"
        case .new: "#2563eb"
        case .paused: "#6b7280"
        case .unreachable: "#7c3aed"
        }
    }

    /// The badge of one device.
    public static func content(_ v: DeviceView) -> Content {
        Content(label: v.name, message: v.status.rawValue, color: color(v.status), status: v.status.rawValue)
    }

    /// The badge of all devices: "all up", or how many are down, late or unreachable (the worst of them).
    public static func content(all views: [DeviceView]) -> Content {
        let down = views.filter { $0.status == .down }.count
        let late = views.filter { $0.status == .late }.count
        let unreachable = views.filter { $0.status == .unreachable }.count
        let up = views.filter { $0.status == .up }.count
        let message: String
        let worst: DeviceStatus
        if down > 0 {
            (message, worst) = ("\(down) of \(views.count) down", .down)
        } else if late > 0 {
            (message, worst) = ("\(late) of \(views.count) late", .late)
        } else if unreachable > 0 {
            (message, worst) = ("\(unreachable) of \(views.count) unreachable", .unreachable)
        } else if views.isEmpty {
            (message, worst) = ("no devices", .new)
        } else {
            (message, worst) = (up == views.count ? "all \(up) up" : "\(up) of \(views.count) up", .up)
        }
        return Content(label: "devices", message: message, color: color(worst), status: worst.rawValue)
    }

    /// A flat badge in the usual two-part shape; width estimated from the text (no fonts needed).
    public static func svg(_ c: Content) -> String {
        let lw = 10 + c.label.count * 7
        let mw = 10 + c.message.count * 7
        var w = HTMLWriter(capacity: 1024)
        w.element(
            .svg,
            [
                (.xmlns, "http://www.w3.org/2000/svg"), (.width, String(lw + mw)), (.height, "20"), (.role, "img"),
                (.ariaLabel, "\(c.label): \(c.message)"),
            ]
        ) { w in
            w.element(.title, text: "\(c.label): \(c.message)")
            w.element(.rect, [(.width, String(lw)), (.height, "20"), (.fill, "#555")])
            w.element(.rect, [(.x, String(lw)), (.width, String(mw)), (.height, "20"), (.fill, c.color)])
            w.element(.g, [(.fill, "#fff"), (.fontFamily, "Verdana,DejaVu Sans,sans-serif"), (.fontSize, "11")]) { w in
                w.element(.text, [(.x, String(lw / 2)), (.y, "14"), (.textAnchor, "middle")], text: c.label)
                w.element(.text, [(.x, String(lw + mw / 2)), (.y, "14"), (.textAnchor, "middle")], text: c.message)
            }
        }
        return w.html
    }
}
