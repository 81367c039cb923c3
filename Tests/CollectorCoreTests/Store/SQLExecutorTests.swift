import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The executors under the one store (`SQLStore`): a transaction is all or nothing, whether its body throws or its
/// task is cancelled, and writes from many tasks at once take turns, on both backends.
@Suite struct SQLExecutorTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    struct Planned: Error {}

    func device(_ name: String) -> DeviceRecord {
        DeviceRecord(name: name, tokenHash: Tokens.hash("token-of-\(name)"), createdAt: t0)
    }

    /// Writes a new device in a transaction of its own, then runs `rest` in it.
    static func addInTransaction<S: SQLStore>(
        _ store: S, _ d: DeviceRecord, then rest: @escaping @Sendable () async throws -> Void
    ) async throws {
        let (sql, values) = (store.sql.insertDevice, Array(d.columnValues.prefix(8)))
        try await store.executor.transaction { conn in
            try await conn.execute(sql, values)
            try await rest()
        }
    }

    static func sqlStore(_ store: any Store) throws -> any SQLStore {
        try #require(store as? any SQLStore)
    }

    @Test(arguments: Backend.all) func aTransactionThatThrowsLeavesNothing(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let store = try await h.open()
        await #expect(throws: Planned.self) {
            try await Self.addInTransaction(try Self.sqlStore(store), device("pi-1")) { throw Planned() }
        }
        #expect(try await store.allDevices().isEmpty)
        // The store writes on after it.
        try await store.addDevice(device("pi-2"))
        #expect(try await store.allDevices().map(\.name) == ["pi-2"])
    }

    @Test(arguments: Backend.all) func aCancelledTransactionLeavesNothing(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let store = try await h.open()
        let sqlStore = try Self.sqlStore(store)
        let pending = Task {
            try await Self.addInTransaction(sqlStore, device("pi-1")) { try await Task.sleep(for: .seconds(30)) }
        }
        try await Task.sleep(for: .milliseconds(200))
        pending.cancel()
        await #expect(throws: CancellationError.self) { try await pending.value }
        #expect(try await store.allDevices().isEmpty)
        try await store.addDevice(device("pi-2"))
        #expect(try await store.allDevices().map(\.name) == ["pi-2"])
    }

    @Test(arguments: Backend.all) func writesFromManyTasksAtOnceAllLand(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let store = try #require(try await h.open() as? any NotificationLog)
        let names = (0..<24).map { "pi-\($0)" }
        let t0 = t0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                let d = device(name)
                group.addTask {
                    try await store.addDevice(d)
                    try await store.recordFlips([.flip(name, from: .new, to: .up, at: t0, reason: .heartbeatReceived)])
                    try await store.setNotifyCursor(NotifyCursor(seq: 1))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.allDevices().map(\.name).sorted() == names.sorted())
        #expect(try await store.allDevices().allSatisfy { $0.status == .up })
        #expect(try await store.toldEvents(afterSeq: 0, limit: 100).count == names.count)
    }
}
