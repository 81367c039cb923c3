import CollectorCore
import DowntimeProtocol
import Foundation

/// The overview page and the device list for a 10,000-device fleet with a month of history (no HTTP).
enum PageBenchmark {
    static func run() async throws {
        let devices = Int(ProcessInfo.processInfo.environment["BENCH_DEVICES"] ?? "") ?? 10_000
        let rounds = 7
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dtm-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }

        print(
            "DowntimeMon page benchmark: \(devices) devices, \(rounds) rounds, \(ProcessInfo.processInfo.activeProcessorCount) cores"
        )
        let start = Date().addingTimeInterval(-30 * 86_400)
        let clock = BenchClock(start)
        var config = CollectorConfig()
        config.dataDir = dir
        let store = try SQLiteStore(dataDir: dir)
        let collector = try await Collector.start(
            store: store, config: config, clock: clock, monotonic: clock,
            clockSync: FixedClockSync(true))

        let setup = ContinuousClock.now
        try await fill(collector, clock: clock, devices: devices, from: start)
        print(String(format: "setup: %.1f s", Double((ContinuousClock.now - setup).components.seconds)))

        var bytes = 0
        let full = try await Figures.measure(rounds) {
            let details = try await collector.reads.deviceDetails()
            bytes = OverviewPage.render(details, now: clock.now()).utf8.count
        }
        Figures.line("overview page, store + merge + render", full, "\(bytes / 1024) KiB")

        let details = try await collector.reads.deviceDetails()
        let renderOnly = await Figures.measure(rounds) {
            bytes = OverviewPage.render(details, now: clock.now()).utf8.count
        }
        Figures.line("overview page, render only", renderOnly)

        let api = try await Figures.measure(rounds) {
            let views = try await collector.reads.deviceViews().sorted { $0.name < $1.name }
            bytes = DeviceList(devices: views, next: nil).jsonBytes().count
        }
        Figures.line("GET /api/v1/devices (all, no HTTP)", api, "\(bytes / 1024) KiB")
        let list = DeviceList(devices: try await collector.reads.deviceViews(), next: nil)
        let writer = await Figures.measure(rounds) { bytes = list.jsonBytes().count }
        let encoder = try await Figures.measure(rounds) { bytes = try WireCoding.encode(list).count }
        Figures.line("device list JSON, JSONWriter", writer)
        Figures.line(
            "device list JSON, JSONEncoder", encoder,
            String(format: "writer %.1f x faster", encoder.median / writer.median))
        print(
            String(
                format: "bench: page %@: overview of %d devices, store + merge + render, median %.1f ms (goal 200)",
                full.median < 200 ? "met" : "MISSED", devices, full.median))
        if ProcessInfo.processInfo.environment["BENCH_SAMPLE"] != nil {
            let html = OverviewPage.render(Array(details.prefix(3)), now: clock.now())
            print(html.components(separatedBy: "<tbody>").last ?? "")
        }
    }

    /// A month of history from `start` to now: every device beats; 1 % go silent for an hour on each of 10 days.
    static func fill(_ collector: Collector, clock: BenchClock, devices: Int, from start: Date) async throws {
        var tokens: [String] = []
        for i in 0..<devices {
            tokens.append(try await collector.admin.addDevice(String(format: "device-%05d", i)).token)
        }
        func beat(_ i: Int, seq: UInt64) async throws {
            let hb = Heartbeat(
                device: String(format: "device-%05d", i), seq: seq, bootID: "ab", uptimeS: 100, sentAt: clock.now(),
                clockSynced: true, intervalS: 10, agentVersion: "0.1.0")
            _ = try await collector.ingest.heartbeat(hb, token: tokens[i])
        }
        for i in 0..<devices { try await beat(i, seq: 1) }
        try await collector.sweeper.flush()
        for day in stride(from: 1, to: 30, by: 3) {
            clock.set(start + Double(day) * 86_400)
            for i in 0..<devices where i % 100 != 0 { try await beat(i, seq: UInt64(day)) }
            clock.set(start + Double(day) * 86_400 + 3600)
            for i in 0..<devices where i % 100 != 0 { try await beat(i, seq: UInt64(day)) }
            try await collector.sweeper.sweep()
            for i in 0..<devices { try await beat(i, seq: UInt64(day) + 1) }
        }
        clock.set(Date())
        for i in 0..<devices { try await beat(i, seq: 99) }
        try await collector.sweeper.flush()
    }
}
