import DowntimeProtocol
import Foundation

/// The rule of dependencies (docs/DESIGN.md "Dependencies"), pure: a device behind another (its router, its switch)
/// that falls silent while that parent is down cannot be told from the parent's outage, so it is `unreachable`, not
/// `down`: no message of its own, and its silence is not downtime. Instants are on the monotonic clock, as in
/// `Liveness`.
///
/// - A device that keeps beating stays up, whatever its parent.
/// - Past its own deadline while the parent is down or unreachable: `unreachable`, recorded from its last beat.
/// - Past its deadline while the parent is only late: held as it is (late) until the parent is judged, so that
///   devices silenced together are not called down a moment before their parent is.
/// - Once the parent is back, an unreachable device is measured from the parent's return: still silent past its
///   deadline from then, it is `down` from the parent's return; a beat makes it `up`.
/// - A device recorded down stays down until it beats (a parent going down later changes nothing).
public enum DependencyRule {
    /// How the parent stands at this sweep.
    public enum Parent: Sendable, Equatable {
        /// No parent, or one that is up, new or paused; `back` is when it last came back (its up flip), if known.
        case clear(back: Date?)
        /// Late: it may turn down at its own deadline.
        case pending
        /// Down, or itself unreachable.
        case blocking
    }

    /// When a flip is dated.
    public enum FlipTime: Sendable, Equatable {
        /// At the device's last beat: its silence started there.
        case lastBeat
        /// At this monotonic instant (the parent's return).
        case at(Date)
    }

    /// What liveness says of a device now.
    public struct Judgement: Sendable, Equatable {
        /// The status shown.
        public var status: DeviceStatus
        /// A flip to record (to `down` or `unreachable`) and when it is dated; nil when nothing changes.
        public var flip: (to: DeviceStatus, at: FlipTime)?
        /// When to look again if no beat comes (nil when only a beat or the parent can change it).
        public var nextDown: Date?

        public init(status: DeviceStatus, flip: (to: DeviceStatus, at: FlipTime)? = nil, nextDown: Date? = nil) {
            self.status = status
            self.flip = flip
            self.nextDown = nextDown
        }

        public static func == (a: Judgement, b: Judgement) -> Bool {
            a.status == b.status && a.flip?.to == b.flip?.to && a.flip?.at == b.flip?.at && a.nextDown == b.nextDown
        }
    }

    /// Judges a device (not paused) at `now` from its last beat, its recorded status and its parent.
    /// `windowStart` is a fresh window (the collector's start, a resume, a changed dependency), as in `Liveness`.
    public static func judge(
        lastBeat: Date?, interval: TimeInterval, policy: LivenessPolicy, windowStart: Date?,
        recorded: DeviceStatus, parent: Parent, now: Date
    ) -> Judgement {
        guard let lastBeat else { return Judgement(status: .new) }
        if recorded == .down { return Judgement(status: .down) }
        var start = windowStart
        if recorded == .unreachable, case .clear(let back?) = parent { start = max(start ?? back, back) }
        let reference = max(lastBeat, start ?? lastBeat)
        let deadline = Liveness.downDeadline(reference: reference, interval: interval, policy: policy)
        let own = Liveness.status(
            lastBeat: lastBeat, interval: interval, paused: false, now: now, policy: policy, windowStart: start)
        guard own == .down else {
            return Judgement(status: recorded == .unreachable ? .unreachable : own, nextDown: deadline)
        }
        switch parent {
        case .blocking:
            return Judgement(status: .unreachable, flip: recorded == .unreachable ? nil : (.unreachable, .lastBeat))
        case .pending:
            return Judgement(status: recorded == .unreachable ? .unreachable : .late)
        case .clear:
            return Judgement(status: .down, flip: (.down, recorded == .unreachable ? .at(reference) : .lastBeat))
        }
    }
}
