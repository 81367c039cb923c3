import Foundation
import Logging
import ServiceLifecycle

/// Follows every configured NUT server: polls each on its own loop, turns what changed into UPS events
/// (handed to `onEvent`) and says each change of state in one log line; an unreadable server is retried
/// with backoff without disturbing anything else.
public struct UPSMonitor: Service {
    public let servers: [NUTServerSpec]
    public let interval: TimeInterval
    public let backoff: [TimeInterval]
    let logger: Logger
    let now: @Sendable () -> Date
    let onEvent: @Sendable (UPSEvent) async -> Void

    public init(
        servers: [NUTServerSpec], interval: TimeInterval, backoff: [TimeInterval], logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init,
        onEvent: @escaping @Sendable (UPSEvent) async -> Void
    ) {
        self.servers = servers
        self.interval = interval
        self.backoff = backoff.isEmpty ? [interval] : backoff
        self.logger = logger
        self.now = now
        self.onEvent = onEvent
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for spec in servers { group.addTask { await follow(spec) } }
            }
        }
    }

    /// One server's loop until cancelled.
    func follow(_ spec: NUTServerSpec) async {
        let client = NUTClient(spec: spec)
        var trackers = Dictionary(uniqueKeysWithValues: spec.ups.map { ($0, UPSTracker(ups: spec.name(of: $0))) })
        var reasons: [String: String] = [:]
        var failures = 0
        while !Task.isCancelled {
            let result = await client.pollOffPool()
            let at = now()
            let outcomes: [String: UPSTracker.Outcome]
            switch result {
            case .success(let polled):
                outcomes = polled
                failures = 0
            case .failure(let failure):
                outcomes = Dictionary(uniqueKeysWithValues: spec.ups.map { ($0, .unreadable(failure.message)) })
                failures += 1
            }
            for ups in spec.ups {
                guard let outcome = outcomes[ups] else { continue }
                let events = trackers[ups]!.observe(outcome, at: at)
                for event in events { say(event, retry: failures > 0) }
                if case .unreadable(let why) = outcome {
                    if events.isEmpty, reasons[ups] != why {
                        logger.warning("UPS \(spec.name(of: ups)) still not readable, now: \(why)")
                    }
                    reasons[ups] = why
                } else {
                    reasons[ups] = nil
                }
                for event in events { await onEvent(event) }
            }
            let delay = failures == 0 ? interval : backoff[min(failures - 1, backoff.count - 1)]
            try? await Task.sleep(for: .seconds(delay))
        }
    }

    private func say(_ e: UPSEvent, retry: Bool) {
        switch e.kind {
        case .commsLost:
            logger.error("UPS \(e.ups): \(e.summary)\(retry ? "; retrying with backoff" : "")")
        case .lowBattery, .mainsOut, .replaceBattery:
            logger.warning("UPS \(e.ups): \(e.summary)")
        case .mainsBack, .commsBack:
            logger.notice("UPS \(e.ups): \(e.summary)")
        }
    }
}
