#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `GET /api/v1/devices`: one page of devices; `next` is the cursor for the following page.
public struct DeviceList: Codable, Sendable, Equatable {
    public var devices: [DeviceView]
    public var next: String?

    public init(devices: [DeviceView], next: String?) {
        self.devices = devices
        self.next = next
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(devices, forKey: .devices)
        try c.encode(next, forKey: .next)
    }
}
