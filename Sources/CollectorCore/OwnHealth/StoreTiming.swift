import Metrics

/// Times a store call into `downtime_store_seconds{op=...}`.
func timedStore<T>(_ op: String, _ body: () async throws -> T) async rethrows -> T {
    let start = ContinuousClock.now
    defer {
        let elapsed = ContinuousClock.now - start
        Metrics.Timer(label: "downtime_store_seconds", dimensions: [("op", op)])
            .recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000
                    + elapsed.components.attoseconds / 1_000_000_000)
    }
    return try await body()
}
