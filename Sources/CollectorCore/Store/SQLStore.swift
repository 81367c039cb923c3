import CollectorRules
import DowntimeProtocol
import Foundation
import Synchronization

/// The store, written once over a backend's `SQLExecutor`: `SQLiteStore` and `PostgresStore` are this protocol
/// with their connection; the SQL is `StoreSQL`'s, rows become records in `StoreRow` and records become values in
/// `StoreValues` (docs/DESIGN.md "Storage").
protocol SQLStore: NotificationLog, DigestLog, QuietLog {
    associatedtype Executor: SQLExecutor
    var executor: Executor { get }
    var session: StoreSession { get }
}

/// What one store instance remembers of its own doing.
final class StoreSession: Sendable {
    private struct State {
        /// Bumps of the change mark this instance made itself (they are not "external").
        var ownChanges = 0
        /// This collector's run row, kept alive by `saveBeats` (only where several collectors share the store).
        var runStartedAt: Double?
    }
    private let state = Mutex(State())

    var ownChanges: Int { state.withLock { $0.ownChanges } }
    var runStartedAt: Double? { state.withLock { $0.runStartedAt } }

    func countOwnChange() { state.withLock { $0.ownChanges += 1 } }
    func started(at t: Double) { state.withLock { $0.runStartedAt = t } }
}

extension SQLStore {
    var sql: StoreSQL { StoreSQL(dialect: executor.dialect) }

    /// Tells the other collectors and the CLI that something changed; part of the caller's transaction.
    func markChange(_ conn: Executor.Connection) async throws {
        guard let bump = sql.bumpChangeMark else { return }
        try await conn.execute(bump, [])
        session.countOwnChange()
    }

    /// Takes the flips' lock for the rest of the caller's transaction, where there is one.
    func lockFlips(_ conn: Executor.Connection) async throws {
        guard let lock = sql.lockFlips else { return }
        try await conn.execute(lock, [])
    }

    /// Runs one change in a transaction of its own; false (and nothing marked) when it changed no row.
    func changed(_ statement: String, _ values: [StoreValue]) async throws -> Bool {
        try await executor.transaction { conn in
            guard try await conn.execute(statement, values) > 0 else { return false }
            try await markChange(conn)
            return true
        }
    }

    // MARK: devices

    public func allDevices() async throws -> [DeviceRecord] {
        try await executor.statements { conn in try await conn.query(sql.allDevices) { try $0.deviceRecord() } }
    }

    public func device(named name: String) async throws -> DeviceRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.deviceNamed, [.text(name)]) { try $0.deviceRecord() }.first
        }
    }

    public func device(tokenHash: [UInt8]) async throws -> DeviceRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.deviceWithTokenHash, [.blob(Data(tokenHash))]) { try $0.deviceRecord() }.first
        }
    }

    public func addDevice(_ r: DeviceRecord) async throws {
        let values = Array(r.columnValues.prefix(8))
        try await executor.transaction { conn in
            guard try await conn.execute(sql.insertDevice, values) > 0 else { throw StoreError.deviceExists(r.name) }
            try await markChange(conn)
        }
    }

    public func removeDevice(named name: String) async throws -> Bool {
        try await executor.transaction { conn in
            try await conn.execute(sql.deleteDeviceEvents, [.text(name)])
            try await conn.execute(sql.deleteDeviceCheckFlips, [.text(name)])
            try await conn.execute(sql.deleteDeviceAlert, [.text(name)])
            try await conn.execute(sql.deleteDeviceAckLinks, [.text(name)])
            try await conn.execute(sql.deleteDeviceJobs, [.text(name)])
            try await conn.execute(sql.clearDependants, [.text(name)])
            guard try await conn.execute(sql.deleteDevice, [.text(name)]) > 0 else { return false }
            try await markChange(conn)
            return true
        }
    }

    public func setPaused(_ paused: Bool, flip: FlipChange) async throws -> Bool {
        try await executor.transaction { conn in
            try await lockFlips(conn)
            guard try await conn.execute(sql.set(.paused), [.bool(paused), .text(flip.device)]) > 0 else {
                return false
            }
            try await conn.execute(sql.insertEvent, try flip.event.rowValues(receivedAt: flip.event.at))
            // A pause leaves the status column alone: it is what the device returns to.
            if !paused { try await conn.execute(sql.setStatus(onlyFrom: false), flip.statusValues(onlyFrom: nil)) }
            try await markChange(conn)
            return true
        }
    }

    public func setInterval(_ seconds: Int?, device: String) async throws -> Bool {
        try await changed(sql.set(.intervalOverride), [.integer(seconds), .text(device)])
    }

    public func setDependsOn(_ parent: String?, device: String) async throws -> Bool {
        try await changed(sql.set(.dependsOn), [.text(parent), .text(device)])
    }

    public func setTokenHash(_ hash: [UInt8], device: String) async throws -> Bool {
        try await changed(sql.set(.tokenHash), [.blob(Data(hash)), .text(device)])
    }

    public func setTags(_ tags: [String], device: String) async throws -> Bool {
        try await changed(sql.set(.tags), [.text(tags.joined(separator: ",")), .text(device)])
    }

    public func setSite(_ site: String?, device: String) async throws -> Bool {
        try await changed(sql.set(.site), [.text(site), .text(device)])
    }

    // MARK: beats and runs

    public func saveBeats(_ beats: [String: BeatState], aliveAt: Date) async throws {
        let rows = beats.map { name, beat in [.text(name)] + BeatState.columnValues(beat) }
        let run = session.runStartedAt
        try await executor.transaction { conn in
            // One batch for all devices: a few thousand every 2 s stay cheap.
            if !rows.isEmpty { try await conn.executeBatch(sql.updateBeats, rows) }
            if let run {
                try await conn.execute(sql.markOwnRunAlive, [.time(aliveAt), .double(run)])
            } else {
                try await conn.execute(sql.markNewestRunAlive, [.time(aliveAt)])
            }
        }
    }

    public func beginRun(at: Date) async throws -> Date? {
        let t = at.timeIntervalSince1970
        let previous = try await executor.transaction { conn in
            let alive = try await conn.query(sql.previousRunAlive) { try $0.double("alive_at") }.first
            try await conn.execute(sql.insertRun, [.double(t)])
            return alive
        }
        if sql.dialect.sharedByCollectors { session.started(at: t) }
        return previous.map { Date(timeIntervalSince1970: $0) }
    }

    public func externalChangeMark() async throws -> Int {
        try await executor.changeMark() - session.ownChanges
    }
}
