import Foundation

/// Reminders (`remind=DURATION` on a channel, docs/DESIGN.md "Reminders"): while a device stays down, one "still
/// down" message every DURATION since its down, per channel. Pure: decided from each down device's `since` (the
/// stored flip) and a frozen `now`, so a restarted or new leading collector continues the count instead of starting
/// over (it sends the reminder that is due, once, then keeps the spacing). A collector that starts or takes the lead
/// while a device is down first learns from the delivery log which reminder went out last (`unknown`, `checked`),
/// so that a new leader does not send again the one the old leader sent just before it died.
package struct Reminders: Sendable {
    /// Each reminding channel's spacing.
    package let every: [String: TimeInterval]
    private struct Key: Hashable {
        package var channel: String
        package var device: String
    }
    /// The reminders counted for each device's current outage (its `since`), per channel.
    private var counted: [Key: (since: Date, count: Int)] = [:]
    /// The outages (by their `since`) whose last delivered reminder was looked up.
    private var looked: [Key: Date] = [:]

    /// No reminder before the down message had its time (the group window): never "still down" before "down".
    package let hold: TimeInterval

    package init(every: [String: TimeInterval], hold: TimeInterval = 0) {
        self.every = every
        self.hold = hold
    }

    /// One reminder due for a channel: the devices (by name, with their `since`) it names together.
    package struct Due: Equatable {
        package var channel: String
        package var devices: [(name: String, since: Date)]

        package static func == (a: Due, b: Due) -> Bool {
            a.channel == b.channel && a.devices.map(\.name) == b.devices.map(\.name)
                && a.devices.map(\.since) == b.devices.map(\.since)
        }
    }

    /// The reminding channels' devices down now whose reminders this collector has not counted or looked up yet: the
    /// notifier reads the last reminder delivered for each (`checked`) before asking what is `due`.
    package func unknown(down: [String: Date]) -> [(channel: String, device: String, since: Date)] {
        every.keys.sorted().flatMap { channel in
            down.sorted(by: { $0.key < $1.key }).compactMap { device, since in
                let key = Key(channel: channel, device: device)
                return counted[key]?.since == since || looked[key] == since ? nil : (channel, device, since)
            }
        }
    }

    /// What the delivery log says of an outage's reminders: the last one went out at `lastAt` (nil: none did). The
    /// reminders up to that one count as sent.
    package mutating func checked(channel: String, device: String, since: Date, lastAt: Date?) {
        let key = Key(channel: channel, device: device)
        looked[key] = since
        guard let lastAt, lastAt >= since, let spacing = every[channel], spacing > 0 else { return }
        counted[key] = (since, max(1, Int((lastAt.timeIntervalSince(since) / spacing).rounded(.down))))
    }

    /// The reminders due at `now` for the devices down now (`down`: name → down since); forgets the others.
    /// Devices whose next reminder falls within a tenth of the spacing (at most a minute) ride along with one
    /// that is due: a site that went down together is reminded of in one message.
    package mutating func due(down: [String: Date], now: Date) -> [Due] {
        counted = counted.filter { key, value in down[key.device] == value.since }
        looked = looked.filter { key, since in down[key.device] == since }
        var out: [Due] = []
        for (channel, spacing) in every.sorted(by: { $0.key < $1.key }) where spacing > 0 {
            let window = min(spacing / 10, 60)
            var next: [(name: String, since: Date, n: Int, at: Date)] = []
            for (name, since) in down.sorted(by: { $0.key < $1.key }) where now.timeIntervalSince(since) >= hold {
                let done = counted[Key(channel: channel, device: name)]?.count
                let passed = Int((now.timeIntervalSince(since) / spacing).rounded(.down))
                // The reminder that would go out next: after a restart, the one due now (never a burst).
                let n = done.map { $0 + 1 } ?? max(passed, 1)
                next.append((name, since, n, since + Double(n) * spacing))
            }
            guard next.contains(where: { $0.at <= now }) else { continue }
            let going = next.filter { $0.at <= now + window }
            for g in going { counted[Key(channel: channel, device: g.name)] = (g.since, g.n) }
            out.append(Due(channel: channel, devices: going.map { ($0.name, $0.since) }))
        }
        return out
    }
}
