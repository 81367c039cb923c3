#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DowntimeProtocol

/// What the agent remembers across restarts and reboots (docs/DESIGN.md, "Gap detection").
public struct AgentState: Sendable, Equatable {
    public var bootID: String
    /// Last wall-clock time the agent was known alive.
    public var lastAlive: Date
    /// CLOCK_BOOTTIME seconds at `lastAlive`: exact gaps within one boot, whatever the wall clock did.
    public var lastAliveUptime: Double
    public var clockSynced: Bool
    /// Set when the agent stopped on SIGTERM: the gap that follows was planned.
    public var cleanShutdownAt: Date?
    /// The last time this boot's readings showed under-voltage (or throttling) now: an outage found at the
    /// next boot carries them as evidence.
    public var underVoltageSeen: Date?
    public var throttledSeen: Date?

    public init(bootID: String, lastAlive: Date, lastAliveUptime: Double, clockSynced: Bool, cleanShutdownAt: Date? = nil) {
        self.bootID = bootID
        self.lastAlive = lastAlive
        self.lastAliveUptime = lastAliveUptime
        self.clockSynced = clockSynced
        self.cleanShutdownAt = cleanShutdownAt
    }
}

extension AgentState: Codable {
    enum CodingKeys: String, CodingKey {
        case bootID = "boot_id"
        case lastAlive = "last_alive"
        case lastAliveUptime = "last_alive_uptime"
        case clockSynced = "clock_synced"
        case cleanShutdownAt = "clean_shutdown_at"
        case underVoltageSeen = "under_voltage_seen"
        case throttledSeen = "throttled_seen"
    }

    // Times are ISO 8601 text without the wire's 2020...2100 check: an unsynced clock is a fact to keep.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date? {
            guard let text = try values.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = WireTime.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: values,
                                                       debugDescription: "not an ISO 8601 time")
            }
            return date
        }
        bootID = try values.decode(String.self, forKey: .bootID)
        guard !bootID.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .bootID, in: values, debugDescription: "empty")
        }
        guard let alive = try time(.lastAlive) else {
            throw DecodingError.keyNotFound(CodingKeys.lastAlive, .init(codingPath: [], debugDescription: "missing"))
        }
        lastAlive = alive
        lastAliveUptime = try values.decode(Double.self, forKey: .lastAliveUptime)
        guard lastAliveUptime.isFinite, lastAliveUptime >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .lastAliveUptime, in: values,
                                                   debugDescription: "out of range")
        }
        clockSynced = try values.decode(Bool.self, forKey: .clockSynced)
        cleanShutdownAt = try time(.cleanShutdownAt)
        underVoltageSeen = try time(.underVoltageSeen)
        throttledSeen = try time(.throttledSeen)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bootID, forKey: .bootID)
        try container.encode(WireTime.format(lastAlive), forKey: .lastAlive)
        try container.encode(lastAliveUptime, forKey: .lastAliveUptime)
        try container.encode(clockSynced, forKey: .clockSynced)
        try container.encode(cleanShutdownAt.map(WireTime.format), forKey: .cleanShutdownAt)
        // Left out when never seen: the file of a device without warnings is what older agents wrote.
        try container.encodeIfPresent(underVoltageSeen.map(WireTime.format), forKey: .underVoltageSeen)
        try container.encodeIfPresent(throttledSeen.map(WireTime.format), forKey: .throttledSeen)
    }
}

/// Result of reading the state file. An empty or broken file is not a first run: it says a
/// power cut probably hit mid-write, and is reported as such.
public enum StateLoad: Sendable, Equatable {
    case missing
    case unreadable(reason: String)
    case loaded(AgentState)
}

/// The state file in the state folder, written atomically.
public struct StateFile: Sendable {
    public let path: String
    let fs: any FileSystem

    public init(path: String, fs: any FileSystem = PosixFileSystem()) {
        self.path = path
        self.fs = fs
    }

    public func load() -> StateLoad {
        let bytes: [UInt8]
        do {
            guard let read = try fs.read(path) else { return .missing }
            bytes = read
        } catch {
            return .unreadable(reason: error.description)
        }
        return Self.decode(bytes)
    }

    public func save(_ state: AgentState) throws(FileError) {
        try fs.writeAtomically(Self.encode(state), to: path, mode: 0o644)
    }

    static func decode(_ bytes: [UInt8]) -> StateLoad {
        if bytes.isEmpty { return .unreadable(reason: "the file is empty") }
        do {
            return .loaded(try JSONDecoder().decode(AgentState.self, from: Data(bytes)))
        } catch let DecodingError.keyNotFound(key, _) {
            return .unreadable(reason: "\(key.stringValue) is missing")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            return .unreadable(reason: "\(ctx.codingPath.last?.stringValue ?? "a value") has the wrong type")
        } catch let DecodingError.dataCorrupted(ctx) {
            let key = ctx.codingPath.last?.stringValue
            return .unreadable(reason: key.map { "\($0) is invalid" } ?? "not valid JSON (truncated or garbage)")
        } catch {
            return .unreadable(reason: "not valid JSON")
        }
    }

    static func encode(_ state: AgentState) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings, numbers and bools cannot fail.
        return Array((try? encoder.encode(state)) ?? Data()) + [10]
    }
}
