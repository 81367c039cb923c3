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

    public init(down: Int = 0, late: Int = 0, new: Int = 0, up: Int = 0, paused: Int = 0) {
        self.down = down
        self.late = late
        self.new = new
        self.up = up
        self.paused = paused
    }

    public var total: Int { down + late + new + up + paused }

    public subscript(_ s: DeviceStatus) -> Int {
        switch s {
        case .down: down
        case .late: late
        case .new: new
        case .up: up
        case .paused: paused
        }
    }

    public mutating func add(_ s: DeviceStatus) {
        switch s {
        case .down: down += 1
        case .late: late += 1
        case .new: new += 1
        case .up: up += 1
        case .paused: paused += 1
        }
    }
}
