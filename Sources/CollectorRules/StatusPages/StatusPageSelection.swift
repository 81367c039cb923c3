import DowntimeProtocol
import Foundation

/// The devices of a status page and the names it shows them under (pure): the selector's devices in the order they
/// were added, each under its display name, or "Device 1", "Device 2"... for those without one (never its real name).
public enum StatusPageSelection {
    /// A device on a page: its real name (for the server only) and the label the page shows.
    public struct Member: Sendable, Equatable {
        public var device: String
        public var label: String

        public init(device: String, label: String) {
            self.device = device
            self.label = label
        }
    }

    public static func members(_ selector: StatusPageSelector, devices: [DeviceRecord]) -> [Member] {
        let picked = devices.filter(selector.picks).sorted { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }
        var unnamed = 0
        return picked.map { d in
            if let shown = d.displayName { return Member(device: d.name, label: shown) }
            unnamed += 1
            return Member(device: d.name, label: DisplayName.standIn(unnamed))
        }
    }
}
