import DowntimeProtocol
import Foundation

/// Service checks (docs/DESIGN.md "Service checks"): a check failing or recovering is a message like a device's
/// down or up, only for checks the agent did not set `notify=no`:
/// - held for `settle`, so the checks of one device that change together are one message, and a device that goes
///   down meanwhile (its services fail as it goes) sends its down message alone: the failing messages of a device
///   whose newest flip left it down, unreachable or paused are set aside, held again for `settle` when it is back
///   up (a check still failing then is told; one back meanwhile is nothing);
/// - a recovery is told only for a failing that was told, and a check back before its failing was told is nothing;
/// - `unknown` (a check that could not run, an agent restarting) says nothing of the service: a failing, unknown,
///   failing again is still the one failing, told once;
/// - after a failing message, `damp` of bouncing gives no more messages but one summary at its end.
extension NotificationPlanner {
    /// One check of one device.
    package struct CheckKey: Hashable, Sendable {
        package var device: String
        package var check: String
    }

    /// A check message waiting for its `due` time.
    package struct HeldCheck: Sendable {
        package var key: CheckKey
        package var failing: Bool
        package var at: Date
        package var detail: String
        package var due: Date
        /// The check flip's id (its row in the log): the notification cursor stays before it while it is held.
        package var event: UUID
    }

    /// Takes the check flips the collector just recorded, observed at `now`.
    public mutating func observeChecks(_ flips: [CheckFlip], now: Date) {
        for f in flips where f.notify {
            let key = CheckKey(device: f.device, check: f.name)
            var s = checkQuiet[key] ?? DeviceState()
            let quiet = s.quietUntil.map { now < $0 } ?? false
            let held = HeldCheck(
                key: key, failing: f.record.to == .failing, at: f.at, detail: f.record.detail, due: now + settle,
                event: f.id)
            switch f.record.to {
            case .failing:
                if let i = checksHeld.firstIndex(where: { $0.key == key && !$0.failing }) {
                    // Failing again before its recovery was told: a bounce, told in the summary.
                    checksHeld.remove(at: i)
                    s.recoveryTold = true
                    s.flips += 2
                } else if checksToldFailing.contains(key) || checksHeld.contains(where: { $0.key == key })
                    || checksSetAside[key] != nil
                {
                    break // still the failing already told or held
                } else if devicesNotUp.contains(key.device) {
                    checksSetAside[key] = held
                } else if quiet {
                    s.flips += 1
                } else {
                    checksHeld.append(held)
                }
            case .ok:
                if checksSetAside.removeValue(forKey: key) != nil {
                    // Its failing was set aside while the device was not up, never told: nothing to tell.
                } else if let i = checksHeld.firstIndex(where: { $0.key == key && $0.failing }) {
                    // Back before its failing was told: nothing to tell.
                    checksHeld.remove(at: i)
                } else if checksToldFailing.contains(key) || f.record.from == .failing {
                    if quiet && s.recoveryTold {
                        s.flips += 1
                        checksToldFailing.remove(key)
                    } else if !checksHeld.contains(where: { $0.key == key }) {
                        checksHeld.append(held)
                        s.recoveryTold = true
                    }
                }
            case .unknown:
                break
            }
            if s.quietUntil != nil || s.flips > 0 { checkQuiet[key] = s }
        }
    }

    /// A device's flip at `now`: while it is down, unreachable or paused its checks' failing messages are set aside;
    /// back up, they are held again for `settle`.
    package mutating func deviceFlipped(_ device: String, to status: DeviceStatus, now: Date) {
        switch status {
        case .down, .unreachable, .paused:
            devicesNotUp.insert(device)
            for h in checksHeld where h.key.device == device && h.failing { checksSetAside[h.key] = h }
            checksHeld.removeAll { $0.key.device == device && $0.failing }
        case .up:
            devicesNotUp.remove(device)
            for (key, var h) in checksSetAside where key.device == device {
                h.due = now + settle
                checksHeld.append(h)
                checksSetAside[key] = nil
            }
        case .new, .late:
            break
        }
    }

    /// The check messages due at `now`: per device, its failing checks in one message and its recovered ones in
    /// another (all it holds goes out together), and the summaries of quiet times that ended.
    package mutating func dueChecks(now: Date) -> [Planned] {
        var out: [Planned] = []
        let dueDevices = Set(checksHeld.filter { $0.due <= now }.map(\.key.device))
        let batch = checksHeld.filter { dueDevices.contains($0.key.device) }
        checksHeld.removeAll { dueDevices.contains($0.key.device) }
        for device in dueDevices.sorted() {
            let mine = batch.filter { $0.key.device == device }.sorted { ($0.at, $0.key.check) < ($1.at, $1.key.check) }
            var failing = mine.filter(\.failing)
            if devicesNotUp.contains(device) {
                for h in failing { checksSetAside[h.key] = h }
                failing = []
            }
            if let first = failing.first {
                out.append(Self.checkMessage(.checkFailing, device: device, failing, at: first.at))
                for h in failing {
                    checksToldFailing.insert(h.key)
                    checkQuiet[h.key] = DeviceState(quietUntil: now + damp, recoveryTold: false, flips: 0)
                }
            }
            let ok = mine.filter { !$0.failing }
            if let first = ok.first {
                out.append(Self.checkMessage(.checkOk, device: device, ok, at: first.at))
                for h in ok { checksToldFailing.remove(h.key) }
            }
        }
        for (key, s) in checkQuiet where (s.quietUntil ?? now) <= now {
            if s.flips > 0 {
                out.append(
                    Planned(kind: .flapping, devices: [key.device], at: now, flips: s.flips, checks: [key.check]))
            }
            checkQuiet[key] = nil
        }
        return out
    }

    private static func checkMessage(_ kind: Notification.Kind, device: String, _ held: [HeldCheck], at: Date)
        -> Planned
    {
        let reason = held.map { $0.detail.isEmpty ? $0.key.check : "\($0.key.check): \($0.detail)" }
        return Planned(
            kind: kind, devices: [device], at: at, reason: reason.joined(separator: "; "), checks: held.map(\.key.check)
        )
    }
}
