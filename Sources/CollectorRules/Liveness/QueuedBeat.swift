import Foundation

/// When a beat received just after the collector was stalled (SIGSTOP, a paused VM) was really sent.
///
/// The kernel queues connections while the process is stopped; on resume they are all read in a burst, so the
/// receipt time says nothing about when each beat left the device. Dated at receipt, the last beat of a device
/// that died during the stall pushes its outage's start to the resume (found by the fault campaign: starts up to
/// the stall's length late). Such a beat is dated instead by the device's own send time, carried over to the
/// collector's clock with the skew measured on the beats before the stall, and kept inside what is certain:
/// not before the stall began nor the device's previous beat, not after its receipt (docs/DESIGN.md "Liveness on
/// the collector").
public enum QueuedBeat {
    /// How long after a stall's end a beat may still be one queued during it: the burst is read at once.
    public static let burst: TimeInterval = 2

    /// The time a beat received at `receivedAt` was alive, `stallStart` the wall time the collector stopped
    /// running; nil `stallStart` (no stall just before) keeps the receipt.
    public static func date(
        sentAt: Date, receivedAt: Date, skewBefore: Double?, previousBeat: Date?, stallStart: Date?
    ) -> Date {
        guard let stallStart, let skewBefore else { return receivedAt }
        let floor = max(stallStart, previousBeat ?? stallStart)
        guard floor < receivedAt else { return receivedAt }
        return min(receivedAt, max(floor, sentAt + skewBefore))
    }
}
