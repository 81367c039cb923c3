import DowntimeProtocol
import Foundation

/// Jobs (docs/DESIGN.md "Jobs"): a job's change that notifies (a problem begins or ends) is held for `groupWindow`
/// like a device's down (the judge already waited out grace and max-runtime), and all job messages held together go
/// out together: two or more problems (or ends) are one message naming each job (a NAS down at 03:00 fails every
/// backup that runs on it, one message, not five):
/// - a problem (late, too_long, failed, interrupted) is told, then `damp` of further changes of the job gives no
///   more messages but one summary at its end, naming the state it ended in;
/// - the end of a problem (ok or running again) is told once per problem; also when this planner never saw the job (a
///   restarted collector whose problem message went out before the restart: its end is told, not lost).
extension NotificationPlanner {
    /// Per job: what it last changed to (for the summary) and its quiet time after a problem message.
    package struct JobMemory: Sendable {
        package var quiet = DeviceState()
        package var problemTold = false
        package var last: JobState = .new
        package var device = ""
    }

    /// Takes the job flips the collector just recorded (or replays from its log), observed at `now`.
    public mutating func observeJobs(_ flips: [JobFlip], now: Date) {
        for f in flips where f.notifies {
            let known = jobs[f.record.name] != nil
            var m = jobs[f.record.name] ?? JobMemory()
            m.last = f.record.to
            m.device = f.device
            let quiet = m.quiet.quietUntil.map { now < $0 } ?? false
            if f.record.to.isProblem {
                if quiet {
                    m.quiet.flips += 1
                } else {
                    tell(f, kind: .jobProblem, now: now)
                    m.quiet = DeviceState(quietUntil: now + damp)
                }
                m.problemTold = true
            } else if m.problemTold || !known {
                if quiet && m.quiet.recoveryTold {
                    m.quiet.flips += 1
                } else {
                    tell(f, kind: .jobOk, now: now)
                    m.quiet.recoveryTold = true
                }
                m.problemTold = false
            }
            jobs[f.record.name] = m
        }
    }

    /// A job message waiting for `due`; its flip's row holds the log's notification cursor meanwhile.
    package struct HeldJob: Sendable {
        package var flip: JobFlip
        package var kind: Notification.Kind
        package var due: Date
    }

    private mutating func tell(_ f: JobFlip, kind: Notification.Kind, now: Date) {
        jobsHeld.append(HeldJob(flip: f, kind: kind, due: now + groupWindow))
    }

    /// One message for the held job flips of one kind: the job's own for one, a group naming each for more.
    package static func jobMessage(_ kind: Notification.Kind, _ flips: [JobFlip]) -> Planned? {
        guard let first = flips.first else { return nil }
        if flips.count == 1 {
            return Planned(
                kind: kind, devices: [first.device], at: first.at, reason: first.record.reason, job: first.record)
        }
        return Planned(
            kind: kind, devices: Set(flips.map(\.device)).sorted(), at: flips.map(\.at).min() ?? first.at,
            jobs: flips)
    }

    /// The job messages due at `now` (everything held goes out together, problems before ends) and the summaries of
    /// jobs whose quiet time ended.
    package mutating func dueJobs(now: Date) -> [Planned] {
        var out: [Planned] = []
        if jobsHeld.contains(where: { $0.due <= now }) {
            let batch = jobsHeld.sorted { ($0.flip.at, $0.flip.record.name) < ($1.flip.at, $1.flip.record.name) }
            jobsHeld = []
            for kind in [Notification.Kind.jobProblem, .jobOk] {
                if let m = Self.jobMessage(kind, batch.filter { $0.kind == kind }.map(\.flip)) { out.append(m) }
            }
        }
        for (name, m) in jobs.sorted(by: { $0.key < $1.key }) {
            guard let until = m.quiet.quietUntil, until <= now else { continue }
            if m.quiet.flips > 0 {
                let record = JobFlipRecord(name: name, from: m.last, to: m.last, reason: "")
                out.append(Planned(kind: .flapping, devices: [m.device], at: now, flips: m.quiet.flips, job: record))
            }
            jobs[name]?.quiet = DeviceState()
        }
        return out
    }
}
