import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Both of the collector's clocks, moved by hand: time passing moves both, a step only the wall clock.
final class ManualClock: WallClock, MonotonicClock {
    private let time: Mutex<(wall: Date, mono: Double)>
    init(_ start: Date = Date(timeIntervalSince1970: 1_795_335_000)) { time = Mutex((start, 1000)) }
    func now() -> Date { time.withLock { $0.wall } }
    func seconds() -> Double { time.withLock { $0.mono } }
    func advance(_ seconds: TimeInterval) {
        time.withLock {
            $0.wall += seconds
            $0.mono += seconds
        }
    }
    /// The wall clock set by NTP or by hand: the monotonic clock does not move.
    func step(_ seconds: TimeInterval) { time.withLock { $0.wall += seconds } }
}

/// A clock-sync state the test sets.
final class ManualClockSync: ClockSyncProbe {
    private let synced: Mutex<Bool>
    init(_ synced: Bool = true) { self.synced = Mutex(synced) }
    func isSynced() -> Bool { synced.withLock { $0 } }
    func set(_ value: Bool) { synced.withLock { $0 = value } }
}

/// A collector on a real store (a SQLite file in a fresh temporary folder, or a fresh PostgreSQL
/// schema), driven by a manual clock.
final class Harness: Sendable {
    let handle: StoreHandle
    let clock: ManualClock
    let sync: ManualClockSync
    let config: CollectorConfig
    let store: any Store
    let collector: Collector

    private init(
        handle: StoreHandle, clock: ManualClock, sync: ManualClockSync, config: CollectorConfig, store: any Store,
        collector: Collector
    ) {
        self.handle = handle
        self.clock = clock
        self.sync = sync
        self.config = config
        self.store = store
        self.collector = collector
    }

    /// Two collectors on one fresh store with one clock, each swept once: `a` leads, `b` follows.
    static func leaderAndFollower(_ backend: Backend) async throws -> (
        a: Harness, b: Harness, handle: StoreHandle, clock: ManualClock
    ) {
        let handle = try StoreHandle.fresh(backend)
        let clock = ManualClock()
        let a = try await Harness.make(handle: handle, clock: clock)
        let b = try await Harness.make(handle: handle, clock: clock)
        try await a.collector.sweeper.sweep()
        try await b.collector.sweeper.sweep()
        #expect(a.collector.leadership.isLeading && !b.collector.leadership.isLeading)
        return (a, b, handle, clock)
    }

    static func make(
        _ backend: Backend = .sqlite, clock: ManualClock = ManualClock(), sync: ManualClockSync = ManualClockSync(),
        config: CollectorConfig? = nil
    ) async throws -> Harness {
        try await make(handle: try StoreHandle.fresh(backend), clock: clock, sync: sync, config: config)
    }

    static func make(
        handle: StoreHandle, clock: ManualClock = ManualClock(), sync: ManualClockSync = ManualClockSync(),
        config: CollectorConfig? = nil
    ) async throws -> Harness {
        var cfg = config ?? CollectorConfig()
        cfg.dataDir = handle.dir
        let store = try await handle.open()
        let collector = try await Collector.start(
            store: store, config: cfg, clock: clock, monotonic: clock, clockSync: sync)
        return Harness(handle: handle, clock: clock, sync: sync, config: cfg, store: store, collector: collector)
    }

    /// The same store opened again, as after a collector restart.
    func restarted(after seconds: TimeInterval = 0) async throws -> Harness {
        try await collector.sweeper.flush()
        clock.advance(seconds)
        return try await Harness.make(handle: handle, clock: clock, sync: sync, config: config)
    }

    /// The data folder (the SQLite file's; a scratch folder for other files too).
    var dir: String { handle.dir }

    /// Another process's connection to the same store (the CLI's).
    func otherConnection() async throws -> any Store {
        try await handle.open()
    }

    func addDevice(_ name: String) async throws -> String {
        try await collector.admin.addDevice(name).token
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(collector))
        try await app.test(.router, body)
    }

    deinit { handle.remove() }

}

let bootA = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"

func heartbeatJSON(
    _ device: String, seq: Int = 1, interval: Int = 10, boot: String = bootA,
    sentAt: String = "2026-11-22T08:00:00Z"
) -> String {
    """
    {"device":"\(device)","seq":\(seq),"boot_id":"\(boot)","uptime_s":100,"sent_at":"\(sentAt)",\
    "clock_synced":true,"interval_s":\(interval),"agent_version":"0.1.0"}
    """
}

extension TestClientProtocol {
    /// POSTs JSON with an optional bearer token and returns status and body.
    @discardableResult
    func post(_ uri: String, _ body: String, token: String?, contentType: String = "application/json") async throws
        -> (HTTPResponse.Status, String)
    {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    func get(_ uri: String) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        try await execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body), $0.headers) }
    }

    func getJSON<T: Decodable>(_ uri: String, as type: T.Type) async throws -> T {
        let (status, body, _) = try await get(uri)
        #expect(status == .ok, "\(uri): \(body)")
        return try WireCoding.decoder().decode(T.self, from: Data(body.utf8))
    }
}
