import Foundation

/// Whether the process ran, told by a ticker that notes the monotonic time every `tick` seconds. The sweep's own
/// sleep cannot tell a stall that ended just when that sleep would have: it sleeps until the next device's deadline,
/// and a SIGSTOP over that moment wakes it on time, before the beats queued meanwhile are read (campaign seed 337: a
/// 2 s hang called a device down for 3 s of its own silence). Pure: fed the monotonic times.
struct ProcessPulse: Sendable, Equatable {
    let tick: TimeInterval
    /// A gap longer than the tick by more than this is a stall (as `Fleet.stallSlack` for the sweep's sleep).
    let slack: TimeInterval
    private(set) var last: Date
    /// The longest stall seen and not yet taken, in seconds beyond the tick.
    private(set) var pending: TimeInterval = 0

    init(at start: Date, tick: TimeInterval, slack: TimeInterval) {
        last = start
        self.tick = tick
        self.slack = slack
    }

    /// The process ran at `now` (the ticker woke, or the sweep is about to judge).
    mutating func observe(_ now: Date) {
        let extra = now.timeIntervalSince(last) - tick
        if extra > slack { pending = max(pending, extra) }
        last = max(last, now)
    }

    /// Observes `now` and returns the stall seen since the last take (0: none), for the sweep to excuse.
    mutating func take(_ now: Date) -> TimeInterval {
        observe(now)
        defer { pending = 0 }
        return pending
    }
}
