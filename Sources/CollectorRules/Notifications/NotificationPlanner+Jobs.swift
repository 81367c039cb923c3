import DowntimeProtocol
import Foundation

/// Jobs (docs/DESIGN.md "Jobs"): a job's change that notifies (a problem begins or ends) is a message told at once
/// (the judge already waited out grace and max-runtime):
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
                    tell(f, kind: .jobProblem)
                    m.quiet = DeviceState(quietUntil: now + damp)
                }
                m.problemTold = true
            } else if m.problemTold || !known {
                if quiet && m.quiet.recoveryTold {
                    m.quiet.flips += 1
                } else {
                    tell(f, kind: .jobOk)
                    m.quiet.recoveryTold = true
                }
                m.problemTold = false
            }
            jobs[f.record.name] = m
        }
    }

    private mutating func tell(_ f: JobFlip, kind: Notification.Kind) {
        jobsReady.insert(f.id)
        ready.append(Planned(kind: kind, devices: [f.device], at: f.at, reason: f.record.reason, job: f.record))
    }

    /// The summaries of jobs whose quiet time ended at `now`.
    package mutating func dueJobs(now: Date) -> [Planned] {
        var out: [Planned] = []
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
