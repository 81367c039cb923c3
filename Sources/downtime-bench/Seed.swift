import CollectorCore
import CollectorRules
import DowntimeProtocol
import Foundation

/// Fills a collector data folder with devices (tokens written one per line), optionally each with its first
/// heartbeat (`--first-beat yes`) or with a history:
/// per device and month `outages` power cuts, each a down flip, an agent's outage report, an agent start and
/// an up flip, plus one row of daily availability per day, as a collector that ran that long would have.
enum Seed {
    static func run(_ arguments: [String]) async throws {
        let args = BenchArgs(
            arguments, known: ["data-dir", "devices", "tokens", "history-days", "outages", "first-beat"])
        let dir = args.string("data-dir")
        let count = args.int("devices", 10_000)
        let days = args.int("history-days", 0)
        let outagesPerMonth = args.int("outages", 2)
        let store = try SQLiteStore(dataDir: dir)
        let now = Date()
        let createdAt = now - Double(days) * 86_400 - 3600
        let started = ContinuousClock.now
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        for index in 0..<count {
            let token = Tokens.generate()
            tokens.append(token)
            try await store.addDevice(
                DeviceRecord(
                    name: benchDeviceName(index), tokenHash: Tokens.hash(token),
                    createdAt: createdAt))
        }
        if args.string("first-beat", "no") == "yes" {
            // As the collector records a first heartbeat: the ingest benchmark then measures steady beats.
            var beats: [String: BeatState] = [:]
            let flips = (0..<count).map { i in
                FlipChange.flip(benchDeviceName(i), from: .new, to: .up, at: now, reason: .firstHeartbeat)
            }
            for i in 0..<count {
                beats[benchDeviceName(i)] = BeatState(
                    at: now, intervalS: 10, agentVersion: "0.1.0", bootID: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
                    clockSkewS: 0, clockSynced: true, uptimeS: 100, seq: 1)
            }
            _ = try await store.recordFlips(flips)
            try await store.saveBeats(beats, aliveAt: now)
        }
        try (tokens.joined(separator: "\n") + "\n").write(
            toFile: args.string("tokens"), atomically: true, encoding: .utf8)
        var rows = 0
        if days > 0 {
            rows = try await history(
                store, devices: count, days: days, outagesPerMonth: outagesPerMonth, from: createdAt, now: now)
        }
        let secs = Double((ContinuousClock.now - started).components.seconds)
        print(
            "seed: \(count) devices, \(days) days, \(rows) log rows and \(days > 0 ? count * days : 0) daily rows in \(Int(secs)) s"
        )
    }

    /// Writes the history in batches (one transaction each); returns the number of log rows.
    static func history(_ store: SQLiteStore, devices: Int, days: Int, outagesPerMonth: Int, from: Date, now: Date)
        async throws -> Int
    {
        var rng = SplitMix64(seed: 20_261_201)
        var events: [Event] = []
        var flips: [FlipChange] = []
        var rows = 0
        func flush() async throws {
            if !events.isEmpty { _ = try await store.insertEvents(events, receivedAt: now) }
            _ = try await store.recordFlips(flips)
            rows += events.count + flips.count
            events.removeAll(keepingCapacity: true)
            flips.removeAll(keepingCapacity: true)
        }
        let perDevice = max(1, days * outagesPerMonth / 30)
        for index in 0..<devices {
            let name = benchDeviceName(index)
            flips.append(FlipChange.flip(name, from: .new, to: .up, at: from + 1, reason: .firstHeartbeat))
            for _ in 0..<perDevice {
                let start = from + Double(rng.next() % UInt64(days * 86_400))
                let length = 60 + Double(rng.next() % 7200)
                let boot = UUID().uuidString.lowercased()
                flips.append(
                    FlipChange.flip(
                        name, from: .up, to: .down, at: start,
                        reason: .silent(seconds: 35, rule: "3 × 10 s + 5 s grace")))
                events.append(
                    Event(device: name, at: start + length, bootID: boot, payload: .agentStarted(agentVersion: "0.1.0"))
                )
                events.append(
                    Event(
                        device: name, at: start + length, bootID: boot,
                        payload: .outage(
                            OutageReport(
                                cause: .powerLoss, start: start, end: start + length, durationS: length, precisionS: 60,
                                clockSynced: true))))
                flips.append(
                    FlipChange.flip(name, from: .down, to: .up, at: start + length, reason: .heartbeatReceived))
            }
            if events.count + flips.count > 20_000 { try await flush() }
        }
        try await flush()
        // One row of daily availability per device and day.
        var daily: [(device: String, day: String, down: Double, known: Double)] = []
        for index in 0..<devices {
            for day in 0..<days {
                daily.append(
                    (
                        benchDeviceName(index), String(WireTime.format(from + Double(day) * 86_400).prefix(10)),
                        0, 86_400
                    ))
            }
            if daily.count > 50_000 {
                try await store.saveDaily(daily)
                daily.removeAll(keepingCapacity: true)
            }
        }
        try await store.saveDaily(daily)
        return rows
    }
}
