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
        case .group where plan.site != nil:
            let site = plan.site ?? ""
            let count = plan.devices.count
            return Notification(
                kind: .group, devices: plan.devices, title: "\(count) devices of \(site) down",
                text:
                    "\(count) devices of \(site) went down together (\(plan.devices.joined(separator: ", "))), at \(at).",
                at: plan.at)
        case .incident:
            guard let incident = plan.incident else { return Self.test(at: plan.at) }
            return Self.incident(incident)
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
        case .ups:
            return Notification(
                kind: .ups, devices: plan.devices, title: "UPS \(name): \(plan.ups.map(Self.headline) ?? "changed")",
                text: "UPS \(name): \(plan.reason) (at \(at)).", at: plan.at)
        case .test:
            return Self.test(at: plan.at)
        }
    }

    /// A UPS event's title words.
    static func headline(_ e: UPSEvent) -> String {
        switch e.kind {
        case .mainsOut: "mains out, on battery"
        case .lowBattery: "LOW BATTERY"
        case .mainsBack: "mains back"
        case .replaceBattery: "replace battery"
        case .commsLost: "not readable"
        case .commsBack: "readable again"
        }
    }

    /// An incident in words: "Power cut at holiday-house, 2026-12-01 02:13–04:51 UTC (2h 38m): freezer-pi, hall-pi,
    /// cam-pi; nas stayed up" or "holiday-house unreachable 14:02–14:40 ...: a, b".
    public static func incident(_ i: Incident) -> Notification {
        let head = i.kind == .powerCut ? "Power cut at \(i.site)" : "\(i.site) unreachable"
        var span = "\(day(i.start)) \(clock(i.start))"
        if let end = i.end {
            span += "–" + (day(end) == day(i.start) ? clock(end) : "\(day(end)) \(clock(end))")
            span += " UTC (\(Durations.text(i.durationS(now: end))))"
        } else {
            span += " UTC, ongoing"
        }
        var text = (i.kind == .powerCut ? "\(head), \(span)" : "\(head) \(span)") + ": "
        text += i.deviceNames.joined(separator: ", ")
        if !i.unaffected.isEmpty { text += "; \(i.unaffected.joined(separator: ", ")) stayed up" }
        if i.collectorDown { text += "; the collector was down too" }
        if let mains = i.mainsOut { text += "; mains out at \(clock(mains.at)) UTC (UPS \(mains.ups))" }
        if i.kind == .network { text += " (not counted as their downtime)" }
        return Notification(kind: .incident, devices: i.deviceNames, title: head, text: text + ".", at: i.start)
    }

    private static func day(_ d: Date) -> String { String(WireTime.format(d).prefix(10)) }
    private static func clock(_ d: Date) -> String { String(WireTime.format(d).dropFirst(11).prefix(5)) }

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
