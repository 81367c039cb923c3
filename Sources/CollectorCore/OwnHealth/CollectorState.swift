import Foundation

/// `GET /api/v1/collector`: the collector's own state and records (see `CollectorHealth`).
public struct CollectorState: Codable, Sendable, Equatable {
    public struct Record: Codable, Sendable, Equatable {
        public var at: Date
        public var kind: String
        public var deltaS: Double?
        public var detail: String
        enum CodingKeys: String, CodingKey {
            case at, kind, detail
            case deltaS = "delta_s"
        }
    }

    public var clockSynced: Bool
    public var unsyncedSince: Date?
    public var clockJumps: Int
    public var lastJumpS: Double?
    public var lastJumpAt: Date?
    public var storeOK: Bool
    public var storeFault: String?
    public var storeFailingSince: Date?
    public var storeError: String?
    public var freeBytes: Int64?
    public var records: [Record]

    enum CodingKeys: String, CodingKey {
        case records
        case clockSynced = "clock_synced"
        case unsyncedSince = "unsynced_since"
        case clockJumps = "clock_jumps"
        case lastJumpS = "last_jump_s"
        case lastJumpAt = "last_jump_at"
        case storeOK = "store_ok"
        case storeFault = "store_fault"
        case storeFailingSince = "store_failing_since"
        case storeError = "store_error"
        case freeBytes = "free_bytes"
    }

    public init(_ s: CollectorHealth.Snapshot) {
        clockSynced = s.clockSynced
        unsyncedSince = s.unsyncedSince
        clockJumps = s.clockJumps
        lastJumpS = s.lastJump?.seconds
        lastJumpAt = s.lastJump?.at
        storeOK = s.storeFault == nil
        storeFault = s.storeFault?.rawValue
        storeFailingSince = s.storeFailingSince
        storeError = s.storeError
        freeBytes = s.freeBytes
        records = s.records.map { Record(at: $0.at, kind: $0.kind.rawValue, deltaS: $0.deltaS, detail: $0.detail) }
    }
}
