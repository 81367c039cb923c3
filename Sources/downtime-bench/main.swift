import CollectorCore
import DowntimeProtocol
import Foundation

// `downtime-bench seed DATA_DIR COUNT TOKENS_FILE` (the ingest benchmark's fleet, see SeedDevices.swift).
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "seed" {
    let a = CommandLine.arguments
    guard a.count == 5, let n = Int(a[3]), n > 0 else {
        FileHandle.standardError.write(Data("usage: downtime-bench seed DATA_DIR COUNT TOKENS_FILE\n".utf8))
        exit(2)
    }
    try await seedDevices(dataDir: a[2], count: n, tokensFile: a[4])
    exit(0)
}

/// Benchmarks of the collector's read side: figures printed, medians of several rounds.
struct Figures {
    static func measure(_ rounds: Int, _ body: () async throws -> Void) async rethrows -> (median: Double, min: Double, max: Double) {
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            try await body()
            let d = ContinuousClock.now - start
            times.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        times.sort()
        return (times[times.count / 2], times.first!, times.last!)
    }

    static func line(_ name: String, _ r: (median: Double, min: Double, max: Double), _ extra: String = "") {
        print(String(format: "bench: %-44@ median %8.1f ms  (min %.1f, max %.1f)  %@", name as NSString, r.median, r.min, r.max, extra as NSString))
    }
}

/// A clock the benchmark moves by hand, so a month of history is made in seconds.
final class BenchClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var t: Date
    init(_ t: Date) { self.t = t }
    func now() -> Date { lock.withLock { t } }
    func set(_ d: Date) { lock.withLock { t = d } }
}

let devices = Int(ProcessInfo.processInfo.environment["BENCH_DEVICES"] ?? "") ?? 10_000
let rounds = 7
let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dtm-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: dir) }

print("DowntimeMon page benchmark: \(devices) devices, \(rounds) rounds, \(ProcessInfo.processInfo.activeProcessorCount) cores")
let start = Date().addingTimeInterval(-30 * 86_400)
let clock = BenchClock(start)
var config = CollectorConfig()
config.dataDir = dir
let store = try SQLiteStore(dataDir: dir)
let collector = try await Collector.start(store: store, config: config, clock: clock)

let setup = ContinuousClock.now
var tokens: [String] = []
for i in 0..<devices {
    tokens.append(try await collector.addDevice(String(format: "device-%05d", i)).token)
}
// Every device beats; 1 % go silent for an hour on each of 10 days of the month.
func beat(_ i: Int, seq: UInt64) async throws {
    let hb = Heartbeat(device: String(format: "device-%05d", i), seq: seq, bootID: "ab", uptimeS: 100, sentAt: clock.now(),
                       clockSynced: true, intervalS: 10, agentVersion: "0.1.0")
    _ = try await collector.heartbeat(hb, token: tokens[i])
}
for i in 0..<devices { try await beat(i, seq: 1) }
try await collector.flush()
for day in stride(from: 1, to: 30, by: 3) {
    clock.set(start + Double(day) * 86_400)
    for i in 0..<devices where i % 100 != 0 { try await beat(i, seq: UInt64(day)) }
    clock.set(start + Double(day) * 86_400 + 3600)
    for i in 0..<devices where i % 100 != 0 { try await beat(i, seq: UInt64(day)) }
    try await collector.sweep()
    for i in 0..<devices { try await beat(i, seq: UInt64(day) + 1) }
}
clock.set(Date())
for i in 0..<devices { try await beat(i, seq: 99) }
try await collector.flush()
print(String(format: "setup: %.1f s", Double((ContinuousClock.now - setup).components.seconds)))

var bytes = 0
let full = try await Figures.measure(rounds) {
    let details = try await collector.deviceDetails()
    bytes = OverviewPage.render(details, now: clock.now()).utf8.count
}
Figures.line("overview page, store + merge + render", full, "\(bytes / 1024) KiB")

let details = try await collector.deviceDetails()
let renderOnly = await Figures.measure(rounds) {
    bytes = OverviewPage.render(details, now: clock.now()).utf8.count
}
Figures.line("overview page, render only", renderOnly)

let api = try await Figures.measure(rounds) {
    let views = try await collector.deviceViews().sorted { $0.name < $1.name }
    bytes = try WireCoding.encode(DeviceList(devices: views, next: nil)).count
}
Figures.line("GET /api/v1/devices (all, no HTTP)", api, "\(bytes / 1024) KiB")
print(String(format: "bench: overview of %d devices %.1f ms, goal 200 ms: %@", devices, full.median,
             full.median < 200 ? "met" : "MISSED"))
if ProcessInfo.processInfo.environment["BENCH_SAMPLE"] != nil {
    let html = OverviewPage.render(Array(details.prefix(3)), now: clock.now())
    print(html.components(separatedBy: "<tbody>").last ?? "")
}
