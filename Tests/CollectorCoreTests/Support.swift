import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: WallClock {
    private let time: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_795_335_000)) { time = Mutex(start) }
    func now() -> Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}

/// A collector on a real SQLite file in a fresh temporary folder, driven by a manual clock.
final class Harness: Sendable {
    let dir: String
    let clock: ManualClock
    let config: CollectorConfig
    let store: SQLiteStore
    let collector: Collector

    private init(dir: String, clock: ManualClock, config: CollectorConfig, store: SQLiteStore, collector: Collector) {
        self.dir = dir
        self.clock = clock
        self.config = config
        self.store = store
        self.collector = collector
    }

    static func make(dir: String? = nil, clock: ManualClock = ManualClock(), config: CollectorConfig? = nil) async throws -> Harness {
        let dir = dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("dtm-\(UUID().uuidString)").path
        var cfg = config ?? CollectorConfig()
        cfg.dataDir = dir
        let store = try SQLiteStore(dataDir: dir)
        let collector = try await Collector.start(store: store, config: cfg, clock: clock)
        return Harness(dir: dir, clock: clock, config: cfg, store: store, collector: collector)
    }

    /// The same data folder opened again, as after a collector restart.
    func restarted(after seconds: TimeInterval = 0) async throws -> Harness {
        try await collector.flush()
        clock.advance(seconds)
        return try await Harness.make(dir: dir, clock: clock, config: config)
    }

    func addDevice(_ name: String) async throws -> String {
        try await collector.addDevice(name).token
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(collector))
        try await app.test(.router, body)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }
}

let bootA = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"

func heartbeatJSON(_ device: String, seq: Int = 1, interval: Int = 10, boot: String = bootA,
                   sentAt: String = "2026-11-22T08:00:00Z") -> String {
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
