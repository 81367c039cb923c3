import CollectorRules
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
    /// Stores and tells the events (the collector); nil in tests that only watch `onEvent`.
    let recorder: (any UPSRecorder)?
    let onEvent: @Sendable (UPSEvent) async -> Void

    public init(
        servers: [NUTServerSpec], interval: TimeInterval, backoff: [TimeInterval], logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init, recorder: (any UPSRecorder)? = nil,
        onEvent: @escaping @Sendable (UPSEvent) async -> Void
    ) {
        self.servers = servers
        self.interval = interval
        self.backoff = backoff.isEmpty ? [interval] : backoff
        self.logger = logger
        self.now = now
        self.recorder = recorder
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
        // nil while this collector does not poll: taking the lead (or starting) resumes from the stored events.
        var trackers: [String: UPSTracker]?
        var reasons: [String: String] = [:]
        var failures = 0
        // Events the store did not take yet (it failed): written again, same ids, before newer ones.
        var unsaved: [StoredUPSEvent] = []
        while !Task.isCancelled {
            if let recorder, !recorder.pollsUPS {
                trackers = nil
                try? await Task.sleep(for: .seconds(interval))
                continue
            }
            if trackers == nil {
                guard let resumed = await resume(spec) else {
                    try? await Task.sleep(for: .seconds(backoff[0]))
                    continue
                }
                trackers = resumed
            }
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
                // Every UPS of the server has its tracker since the resume above.
                guard let outcome = outcomes[ups], var tracker = trackers?[ups] else { continue }
                let events = tracker.observe(outcome, at: at)
                trackers?[ups] = tracker
                for event in events { say(event, retry: failures > 0) }
                await recorder?.upsPolled(spec.name(of: ups), outcome, at: at)
                unsaved += events.map { StoredUPSEvent($0) }
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
            await save(&unsaved)
            let delay = failures == 0 ? interval : backoff[min(failures - 1, backoff.count - 1)]
            try? await Task.sleep(for: .seconds(delay))
        }
    }

    /// Stores the events the store has not taken yet; what it refuses stays in `unsaved` for the next poll.
    private func save(_ unsaved: inout [StoredUPSEvent]) async {
        guard let recorder, !unsaved.isEmpty else { return }
        do {
            try await recorder.recordUPS(unsaved)
            unsaved = []
        } catch {
            logger.error("UPS events not stored yet (\(unsaved.count)), retried at the next poll: \(error)")
        }
    }

    /// Each UPS's tracker, resumed from its stored events; nil when the store cannot be read now.
    private func resume(_ spec: NUTServerSpec) async -> [String: UPSTracker]? {
        var out: [String: UPSTracker] = [:]
        for ups in spec.ups {
            let name = spec.name(of: ups)
            do {
                out[ups] = UPSTracker(ups: name, resuming: try await recorder?.upsHistory(name) ?? [])
            } catch {
                logger.error("UPS \(name): its stored events cannot be read, polling waits: \(error)")
                return nil
            }
        }
        return out
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
