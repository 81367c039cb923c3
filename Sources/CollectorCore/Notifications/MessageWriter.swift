import DowntimeProtocol
import Foundation

/// Puts a planned notification into words, with the outage facts the collector knows by then.
public struct MessageWriter: Sendable {
    /// Where a single device's outage facts come from.
    let reader: DeviceReader
    /// The planner's quiet time, named in flapping and under-voltage summaries.
    let damp: TimeInterval

    func compose(_ plan: NotificationPlanner.Planned) async -> Notification {
        let name = plan.devices.first ?? ""
        let detail = plan.devices.count == 1 ? try? await reader.deviceDetail(name) : nil
        let at = LogFormat.isoOffset(plan.at)
        let minutes = Int(damp / 60)
        switch plan.kind {
        case .down:
            // The devices behind it went unreachable without a message of their own: this one says how many.
            let behind = (try? await reader.behind(name))?.filter { $0.device.status == .unreachable }.count ?? 0
            return Notification(
                kind: .down, devices: plan.devices, title: "\(name) is DOWN",
                text: "\(name) is down since \(at): \(plan.reason)\(Self.behind(behind, "unreachable")).", at: plan.at,
                outage: detail?.view.currentOutage)
        case .up:
            let outage = detail?.view.lastOutage
            let how =
                outage.map {
                    "after \(Durations.text($0.durationS)) (\($0.cause.label)), down from \(LogFormat.isoOffset($0.start))"
                } ?? ""
            // Those behind it that were unreachable during this outage.
            var were = 0
            if let o = outage {
                let span = DateInterval(start: o.start, end: max(o.start, o.end ?? plan.at))
                were =
                    ((try? await reader.behind(name)) ?? []).filter { d in
                        d.unreachable.contains { $0.intersects(span) }
                    }.count
            }
            return Notification(
                kind: .up, devices: plan.devices, title: "\(name) is back up",
                text: "\(name) is back up \(how)\(Self.behind(were, "were unreachable")).", at: plan.at,
                outage: outage)
        case .new:
            return Notification(
                kind: .new, devices: plan.devices, title: "New device \(name)",
                text: "\(name) reported for the first time at \(at).", at: plan.at)
        case .flapping:
            let status = detail?.view.status.rawValue ?? "unknown"
            return Notification(
                kind: .flapping, devices: plan.devices, title: "\(name) is flapping",
                text: "\(name) changed state \(plan.flips) more times in the last \(minutes) minutes; "
                    + "now \(status).",
                at: plan.at)
        case .group:
            let count = plan.devices.count
            let up = plan.direction == .up
            let what = up ? "are back up" : "went down at once: likely a network or collector-side problem"
            return Notification(
                kind: .group, devices: plan.devices,
                title: "\(count) devices \(up ? "back up" : "down")",
                text: "\(count) devices \(what) (\(plan.devices.joined(separator: ", "))), at \(at).",
                at: plan.at)
        case .storage:
            let what = plan.storage?.state.label ?? ""
            let path = plan.storage?.path ?? ""
            return Notification(
                kind: .storage, devices: plan.devices, title: "\(name): storage \(what)",
                text: "\(name) is up, but its storage is \(what) since \(at) (\(path)): the agent "
                    + "runs from memory, and an outage will not be found at its next boot until the "
                    + "folder is writable.",
                at: plan.at)
        case .underVoltage:
            let again = plan.flips > 0 ? " It came back \(plan.flips) more time(s) in the last \(minutes) minutes." : ""
            return Notification(
                kind: .underVoltage, devices: plan.devices, title: "\(name): under-voltage",
                text: "\(name) reports under-voltage at \(at): its power supply or cable is too weak, "
                    + "the usual cause of a Pi's crashes and outages.\(again)", at: plan.at)
        case .test:
            return Self.test(at: plan.at)
        }
    }

    /// ` (3 devices behind it unreachable)`, or nothing for none.
    static func behind(_ count: Int, _ what: String) -> String {
        count == 0 ? "" : " (\(count) device\(count == 1 ? "" : "s") behind it \(what))"
    }

    /// The message `downtime-collector notify test` sends.
    public static func test(at: Date) -> Notification {
        Notification(
            kind: .test, devices: ["test"], title: "DowntimeMon test",
            text: "This is a test message from DowntimeMon, sent at \(LogFormat.isoOffset(at)).", at: at)
    }
}
