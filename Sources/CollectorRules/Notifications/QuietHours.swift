import Foundation

/// A channel's quiet hours (`quiet=23:00-07:00`, docs/DESIGN.md "Quiet hours"): local times in the collector's zone,
/// possibly across midnight. Messages due for the channel inside the window are held (a critical device's down goes
/// through) and told in one summary when it ends. Pure: the window's edges are daily slots (`DigestSchedule`'s rules
/// for a DST change), and what is due follows from the last window end whose summary was sent (stored) and `now`.
public struct QuietHours: Sendable, Equatable {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Reads `HH:MM-HH:MM` (start and end differ); nil for anything else.
    public static func parse(_ text: String) -> QuietHours? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]), start != end else {
            return nil
        }
        return QuietHours(start: start, end: end)
    }

    private static func minutes(_ text: Substring) -> Int? {
        let hm = text.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
            (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        return h * 60 + m
    }

    /// The option as written back: "23:00-07:00".
    public var text: String {
        String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }

    private var startSlot: DigestSchedule { DigestSchedule(every: .daily, hour: start / 60, minute: start % 60) }
    private var endSlot: DigestSchedule { DigestSchedule(every: .daily, hour: end / 60, minute: end % 60) }

    /// The window that ends at `end` (a window end): from the start slot before it.
    public func window(endingAt end: Date, zone: TimeZone) -> DateInterval {
        DateInterval(start: startSlot.slot(atOrBefore: end - 1, zone: zone), end: end)
    }

    /// True when `date` is inside a window: the last start at or before it is later than the last end.
    public func contains(_ date: Date, zone: TimeZone) -> Bool {
        startSlot.slot(atOrBefore: date, zone: zone) > endSlot.slot(atOrBefore: date, zone: zone)
    }

    /// True when a message due at `now` waits for the summary: inside the window and not a critical device's down.
    public func holds(critical: Bool, now: Date, zone: TimeZone) -> Bool {
        !critical && contains(now, zone: zone)
    }

    /// What a tick does about one channel's summary.
    public enum Decision: Sendable, Equatable {
        /// Nothing stored yet: record `end`, the last window end at or before now, and send nothing for before it.
        case baseline(end: Date)
        /// Send the summary of `window`, then record its end. Several windows missed while no collector ran are one
        /// summary, the last one's (what held their messages was not running).
        case send(window: DateInterval)
        /// The end recorded lies ahead of `now` (told on a clock that ran ahead): record `end`, the last window end at
        /// or before now, in its place; nothing is sent.
        case rewind(end: Date)
        /// Nothing due before `next`.
        case wait(next: Date)
    }

    /// What is due at `now`, given the end of the last window whose summary was sent (nil when none was recorded).
    /// The window ends are a daily digest's slots, so the digest's rule decides (baseline, rewind after a clock that
    /// ran ahead, send, wait), in windows.
    public func decide(lastSent: Date?, now: Date, zone: TimeZone) -> Decision {
        switch endSlot.decide(lastSent: lastSent, now: now, zone: zone) {
        case .baseline(let end): .baseline(end: end)
        case .rewind(let end): .rewind(end: end)
        case .send(let period): .send(window: window(endingAt: period.end, zone: zone))
        case .wait(let next): .wait(next: next)
        }
    }
}
