import DowntimeProtocol
import Foundation

/// Flips recorded while the collector's clock was unsynchronised are dated on that clock and marked
/// (`caveat`). When the clock steps into sync and the step is known (`ClockWatch`'s offset,
/// the monotonic clock having run on meanwhile), they are re-dated by it and say so. Pure.
package enum UnsyncedRedating {
    /// Added to the reason of a flip recorded while the collector's clock was not synchronised.
    package static let caveat = "; time uncertain: the collector's clock was not synchronised"

    /// `event` moved by `offset` seconds with its mark replaced by the re-dating's note; nil when it is no flip
    /// recorded on an unsynchronised clock (a device's own report, or a flip already re-dated).
    package static func redated(_ event: Event, by offset: TimeInterval) -> Event? {
        guard case .flip(var flip) = event.payload, flip.reason.contains(caveat) else { return nil }
        flip.reason = flip.reason.replacingOccurrences(of: caveat, with: note(offset))
        return moved(event, flip, by: offset)
    }

    package static func note(_ offset: TimeInterval) -> String {
        "; re-dated by \(Durations.signedSeconds(offset)) s when the collector's clock synchronised"
    }

    /// The receipt times (on the unsynchronised clock) of what this run recorded while unsynchronised: from when
    /// it was found so to the clock's last reading before the step, with a second's margin each side.
    package static func window(unsyncedSince: Date, syncedAt: Date, offset: TimeInterval) -> ClosedRange<Date> {
        let end = max(unsyncedSince, syncedAt - offset)
        return (unsyncedSince - 1)...(end + 1)
    }

    /// A flip recorded while the collector's clock was stepped away and back (an excursion): moved by the step
    /// back, with a note; nil for a row no flip, or one already re-dated.
    package static func redatedAfterStepBack(_ event: Event, by offset: TimeInterval) -> Event? {
        guard case .flip(var flip) = event.payload, !flip.reason.contains("; re-dated by ") else { return nil }
        flip.reason += "; re-dated by \(Durations.signedSeconds(offset)) s when the collector's clock stepped back"
        return moved(event, flip, by: offset)
    }

    /// `event` `offset` seconds later, its flip now `flip`.
    private static func moved(_ event: Event, _ flip: FlipRecord, by offset: TimeInterval) -> Event {
        var moved = event
        moved.at = event.at + offset
        moved.payload = .flip(flip)
        return moved
    }
}
