import CollectorCore
import DowntimeProtocol
import Foundation

/// `downtime-bench seed DATA_DIR COUNT TOKENS_FILE`: a fleet for the ingest benchmark, made through the
/// real store. Devices are `bench-00000` ...; each has had its first heartbeat (the `new → up` flip and a
/// beat are stored), so the benchmark measures steady-state beats. One token per line, in device order.
func seedDevices(dataDir: String, count: Int, tokensFile: String) async throws {
    let store = try SQLiteStore(dataDir: dataDir)
    let now = Date()
    var tokens: [String] = []
    var flips: [FlipChange] = []
    var beats: [String: BeatState] = [:]
    tokens.reserveCapacity(count)
    for i in 0..<count {
        let name = seedDeviceName(i)
        tokens.append(try await Collector.addDevice(name, store: store, now: now).token)
        // As Fleet records a device's first heartbeat.
        flips.append(FlipChange(device: name, status: .up, event: Event(
            device: name, at: now, bootID: nil, payload: .flip(FlipRecord(from: "new", to: "up", reason: "first heartbeat")))))
        beats[name] = BeatState(at: now, intervalS: 10, agentVersion: "0.1.0", bootID: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", clockSkewS: 0,
                                clockSynced: true, uptimeS: 100, seq: 1)
    }
    try await store.recordFlips(flips)
    try await store.saveBeats(beats, aliveAt: now)
    try (tokens.joined(separator: "\n") + "\n").write(toFile: tokensFile, atomically: true, encoding: .utf8)
}

/// The name of seeded device `i`; the wrk script derives the same names.
func seedDeviceName(_ i: Int) -> String {
    "bench-" + String(repeating: "0", count: max(0, 5 - String(i).count)) + String(i)
}
