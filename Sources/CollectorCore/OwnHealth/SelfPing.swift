import CurlClient
import Foundation
import Logging
import ServiceLifecycle

/// Watching the watcher: GETs an outside dead-man's switch (a Healthchecks check, an Uptime Kuma push monitor)
/// every `interval`, so that something outside notices when the collector (or its box) stops. Each attempt runs
/// libcurl on a thread of its own with a short timeout; its outcome only goes to `health` (counts for
/// `/metrics`, one log line per change of state), so a dead receiver changes nothing else.
public struct SelfPing: Service {
    public let url: String
    public let interval: TimeInterval
    public let timeout: TimeInterval
    let health: CollectorHealth
    let now: @Sendable () -> Date
    let send: @Sendable (CurlRequest) async throws -> CurlResponse

    public init(
        url: String, interval: TimeInterval, timeout: TimeInterval, health: CollectorHealth,
        now: @escaping @Sendable () -> Date = Date.init,
        send: @escaping @Sendable (CurlRequest) async throws -> CurlResponse = CurlClient.performDetached
    ) {
        self.url = url
        self.interval = interval
        self.timeout = timeout
        self.health = health
        self.now = now
        self.send = send
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let started = ContinuousClock.now
                await once()
                // On the interval from each start; attempts never overlap (the timeout bounds one).
                try? await Task.sleep(until: started + .seconds(interval), clock: .continuous)
            }
        }
    }

    /// One attempt: any 2xx answer is a success, anything else (no answer, another status) a failure.
    func once() async {
        let failure: String?
        do {
            let response = try await send(CurlRequest(url: url, method: .get, timeout: timeout))
            failure = response.isSuccess ? nil : "GET \(CurlClient.redacted(url)): status \(response.status)"
        } catch {
            failure = "\(error)"
        }
        health.observeSelfPing(url: CurlClient.redacted(url), failure: failure, at: now())
    }
}
