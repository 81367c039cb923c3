import CollectorRules
import DowntimeProtocol
import Foundation

/// Makes the `/ack/TOKEN` link of a down message (docs/DESIGN.md "Acknowledge, snooze, critical"): a random token
/// per message, kept only as its hash with the outages (device, down since) it acknowledges, so that it expires with
/// them.
struct AckLinks: Sendable {
    let store: any AlertStore
    /// The pages' address (`DOWNTIME_PUBLIC_URL`, else the collector's own), without a trailing slash.
    let base: String

    /// The outages a planned message tells as going on, of the devices down now (name → down since): a device's
    /// down, a grouped down, an incident's members still down. Empty for any other message.
    static func outages(of plan: NotificationPlanner.Planned, down: [String: Date]) -> [AckLink.Outage] {
        guard tellsOutage(plan) else { return [] }
        let names = plan.kind == .incident ? plan.incident?.stillDown.map(\.device) ?? [] : plan.devices
        return names.compactMap { name in down[name].map { AckLink.Outage(device: name, since: $0) } }
    }

    /// True for a message that tells an outage going on: a device's down, a grouped down, an incident going on.
    static func tellsOutage(_ plan: NotificationPlanner.Planned) -> Bool {
        switch plan.kind {
        case .down: true
        case .group: plan.direction != .up
        case .incident: plan.incident != nil && plan.incident?.end == nil
        default: false
        }
    }

    /// `n` with its acknowledge link at the end, when the message tells an outage still going on and the link could
    /// be stored (else as it was: the message matters more than its link).
    func linked(_ n: Notification, plan: NotificationPlanner.Planned, down: [String: Date], now: Date) async
        -> Notification
    {
        await linked(n, outages: Self.outages(of: plan, down: down), now: now)
    }

    /// `n` with a link acknowledging `outages` (as it was when there are none, or the link could not be stored).
    func linked(_ n: Notification, outages: [AckLink.Outage], now: Date) async -> Notification {
        guard !outages.isEmpty else { return n }
        let token = Tokens.generate()
        do {
            try await store.addAckLink(AckLink(hash: Tokens.hash(token), outages: outages, createdAt: now))
        } catch {
            return n
        }
        var out = n
        out.ackURL = "\(base)/ack/\(token)"
        out.text += "\nAcknowledge: \(base)/ack/\(token)"
        return out
    }
}
