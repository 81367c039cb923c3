import DowntimeProtocol
import Foundation

/// What the fleet simulator plays, and what the collector must have recorded for it (pure).
///
/// Every device beats every `interval` seconds at its own phase, spread evenly over the interval. A
/// fraction goes silent for longer than the down deadline (a down flip at its last beat and an up flip at
/// its first beat back are expected) and a fraction for clearly less (late, but no flip expected).
struct FleetPlan: Sendable {
    struct Silence: Sendable, Equatable {
        var from: Double
        var until: Double
    }

    let devices: Int
    let interval: Double
    let duration: Double
    /// `misses × interval + grace`: a gap longer than this is an outage.
    let deadline: Double
    let silences: [Int: Silence]

    init(
        devices: Int, interval: Double, duration: Double, deadline: Double, silentFraction: Double,
        shortFraction: Double, seed: UInt64
    ) {
        self.devices = devices
        self.interval = interval
        self.duration = duration
        self.deadline = deadline
        var rng = SplitMix64(seed: seed)
        var silences: [Int: Silence] = [:]
        let long = Int((Double(devices) * silentFraction).rounded())
        let short = Int((Double(devices) * shortFraction).rounded())
        let chosen = Array((0..<devices).shuffled(using: &rng).prefix(long + short))
        for (index, device) in chosen.enumerated() {
            // The gap between two heard beats is the silence plus up to one interval: long silences clear
            // the deadline, short ones stay under it, both by more than the sweep's second.
            let length =
                index < long
                ? deadline + 3 + Double(rng.next() % UInt64(max(1, interval)))
                : max(interval, deadline - interval - 3)
            // Start after the first rounds, end early enough for the up flip to be heard.
            let latest = max(2 * interval, duration - length - interval)
            let from = 2 * interval + Double(rng.next() % UInt64(max(1, latest - 2 * interval)))
            silences[device] = Silence(from: from, until: from + length)
        }
        self.silences = silences
    }

    /// Offset of device `i`'s beats within each interval.
    func phase(_ i: Int) -> Double { Double(i) * interval / Double(devices) }

    /// Whether device `i` beats at offset `t` (seconds since the start).
    func beats(_ i: Int, at t: Double) -> Bool {
        guard let silence = silences[i] else { return true }
        return t < silence.from || t >= silence.until
    }
}

/// One acknowledged beat: when it was sent and when its answer came (collector's receipt is in between).
struct Ack: Sendable, Equatable {
    var sent: Date
    var answered: Date
}

/// A flip as recorded in a device's log.
struct RecordedFlip: Sendable, Equatable {
    var from: String
    var to: String
    var at: Date
}

/// How a device's recorded flips compare with the ones its acknowledged beats call for.
struct FlipCheck: Sendable, Equatable {
    var expected = 0
    var found = 0
    var missing = 0
    var unexpected = 0
    /// Gaps too close to the deadline to call either way (the sweep runs once a second).
    var ambiguous = 0
    /// Largest round trip of a beat a flip was matched to: the bound on that flip's time error.
    var worstError: Double = 0

    static func + (a: FlipCheck, b: FlipCheck) -> FlipCheck {
        FlipCheck(
            expected: a.expected + b.expected, found: a.found + b.found, missing: a.missing + b.missing,
            unexpected: a.unexpected + b.unexpected, ambiguous: a.ambiguous + b.ambiguous,
            worstError: max(a.worstError, b.worstError))
    }

    /// Compares `flips` with `acks` (oldest first) of a device that started `new`: one new → up at the first
    /// beat; for every gap between beats over `deadline` (plus `slack` for the once-a-second sweep) an
    /// up → down at the beat before it and a down → up at the beat after it; nothing else.
    /// A device silent since its last beat for longer than that at `checkedAt` must be down already.
    static func check(acks: [Ack], flips: [RecordedFlip], deadline: Double, slack: Double, checkedAt: Date) -> FlipCheck
    {
        var expected: [(from: String, to: String, beat: Ack)] = []
        var result = FlipCheck()
        func gap(_ seconds: Double, after a: Ack, next: Ack?) {
            if seconds > deadline + slack {
                expected.append(("up", "down", a))
                if let next { expected.append(("down", "up", next)) }
            } else if seconds > deadline - slack {
                result.ambiguous += 1
            }
        }
        if let first = acks.first { expected.append(("new", "up", first)) }
        for (a, b) in zip(acks, acks.dropFirst()) { gap(b.sent.timeIntervalSince(a.answered), after: a, next: b) }
        if let last = acks.last { gap(checkedAt.timeIntervalSince(last.answered), after: last, next: nil) }
        result.expected = expected.count
        var rest = flips
        for wanted in expected {
            // The collector stamps a beat when it reads it: between our send and its answer.
            let match = rest.firstIndex { flip in
                flip.from == wanted.from && flip.to == wanted.to
                    && flip.at >= wanted.beat.sent - 0.001 && flip.at <= wanted.beat.answered + 0.001
            }
            if let index = match {
                result.found += 1
                rest.remove(at: index)
                result.worstError = max(result.worstError, wanted.beat.answered.timeIntervalSince(wanted.beat.sent))
            } else {
                result.missing += 1
            }
        }
        result.unexpected = result.ambiguous > 0 ? 0 : rest.count
        return result
    }
}
