#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How many devices are in each status; every status is written, zero or not.
public struct StatusCounts: Codable, Sendable, Equatable {
    public var down = 0
    public var late = 0
    public var new = 0
    public var up = 0
    public var paused = 0
    /// Behind a device that is down (dependencies); absent in an older collector's answer (read as 0).
    public var unreachable = 0

    public init(down: Int = 0, late: Int = 0, new: Int = 0, up: Int = 0, paused: Int = 0, unreachable: Int = 0) {
        self.down = down
        self.late = late
        self.new = new
        self.up = up
        self.paused = paused
        self.unreachable = unreachable
    }

    enum CodingKeys: String, CodingKey {
        case down, late, new, up, paused, unreachable
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            down: try c.decode(Int.self, forKey: .down), late: try c.decode(Int.self, forKey: .late),
            new: try c.decode(Int.self, forKey: .new), up: try c.decode(Int.self, forKey: .up),
            paused: try c.decode(Int.self, forKey: .paused),
            unreachable: try c.decodeIfPresent(Int.self, forKey: .unreachable) ?? 0)
    }

    public var total: Int { down + late + new + up + paused + unreachable }

    public subscript(_ s: DeviceStatus) -> Int {
        switch s {
        case .down: down
        case .late: late
        case .new: new
        case .up: up
        case .paused: paused
        case .unreachable: unreachable
        }
    }

    public mutating func add(_ s: DeviceStatus) {
        switch s {
        case .down: down += 1
        case .late: late += 1
        case .new: new += 1
        case .up: up += 1
        case .paused: paused += 1
        case .unreachable: unreachable += 1
        }
    }
}
