import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation
import Logging
import Metrics

/// Delivers notifications off the request path: plans them from flips, sends each through every
/// configured channel with retries and backoff, and writes every attempt to the delivery log.
public actor Notifier {
    public let specs: [NotifierSpec]
    var planner: NotificationPlanner
    var reminders: Reminders
    /// Whether any channel has `remind=`: only then does the tick need the devices that are down.
    public nonisolated let reminds: Bool
    /// The zone of the channels' quiet hours (`DOWNTIME_TIMEZONE`).
    let zone: TimeZone
    let store: any Store
    let logger: Logger
    /// Pauses between attempts; the last attempt is the `count + 1`-th.
    let backoff: [TimeInterval]
    let send: @Sendable (CurlRequest) async throws -> CurlResponse
    private var inFlight = 0
    /// Per channel, the quiet hours' summary last sent: a message it already told, held by the planner past the
    /// window's end, is not sent on its own too (`QuietSummary.alreadyTells`). In memory: a restart in between tells
    /// it twice, never loses it.
    private var summaries: [String: QuietSummary] = [:]

    public init(
        specs: [NotifierSpec], planner: NotificationPlanner, store: any Store, logger: Logger,
        backoff: [TimeInterval] = [2, 10, 60, 300], reminderHold: TimeInterval = 12, zone: TimeZone = .gmt,
        send: @escaping @Sendable (CurlRequest) async throws -> CurlResponse = CurlClient.performDetached
    ) {
        self.specs = specs
        self.planner = planner
        self.reminders = Reminders(
            every: Dictionary(
                specs.compactMap { s in s.remindEvery.map { (s.name, $0) } }, uniquingKeysWith: { a, _ in a }),
            hold: reminderHold)
        self.reminds = specs.contains { $0.remindEvery != nil }
        self.zone = zone
        self.store = store
        self.logger = logger
        self.backoff = backoff
        self.send = send
    }

    /// Tells the planner what happened (see `PlannerInput`).
    func observe(_ input: PlannerInput) {
        planner.observe(input)
    }

    /// The flips of `flips` (event id → device) whose message the planner still holds.
    func holding(_ flips: [UUID: String]) -> Set<UUID> {
        planner.holding(flips)
    }

    /// Plans what is due at `now` and starts delivering it; `compose` turns a plan into words. `down` (device →
    /// down since) drives the reminders of the channels that have them. Returns the ids of the incidents told.
    @discardableResult
    func tick(
        now: Date, deviceCount: Int, sites: [String: String] = [:], down: [String: Date] = [:],
        compose: (NotificationPlanner.Planned) async -> Notification,
        remind: ([(name: String, since: Date)], Date) async -> Notification = { MessageWriter.reminder($0, now: $1) }
    ) async -> [String] {
        guard !specs.isEmpty else { return [] }
        var told: [String] = []
        for plan in planner.due(now: now, deviceCount: deviceCount, sites: sites) {
            var n = await compose(plan)
            n.critical = plan.critical
            for spec in specs where !holds(spec, n, critical: plan.critical, now: now) {
                if summaries[spec.name]?.alreadyTells(plan, now: now) == true {
                    logger.info(
                        "\(n.kind.rawValue) message about \(n.devices.joined(separator: ", ")) told in \(spec.name)'s summary"
                    )
                    continue
                }
                start(n, via: spec)
            }
            if let incident = plan.incident { told.append(incident.id) }
        }
        // Acknowledged outages and snoozed devices are not reminded of (`DeviceAlerts`).
        let remindable = planner.alerts.remindable(down, now: now)
        var logs: [String: [DeliveryRecord]] = [:] // one read per device, however many channels remind
        for k in reminders.unknown(down: remindable) {
            // A start or a new lead: the last reminder the log says went out (the old leader's), not sent again.
            if logs[k.device] == nil {
                logs[k.device] = (try? await store.deliveries(device: k.device, limit: 100)) ?? []
            }
            let last = Self.lastReminder(in: logs[k.device] ?? [], channel: k.channel, since: k.since)
            reminders.checked(channel: k.channel, device: k.device, since: k.since, lastAt: last)
        }
        for due in reminders.due(down: remindable, now: now) {
            guard let spec = specs.first(where: { $0.name == due.channel }) else { continue }
            var devices = due.devices
            let reminder = Notification(kind: .reminder, devices: devices.map(\.name), title: "", text: "", at: now)
            if holds(spec, reminder, critical: false, now: now) {
                // A critical device's reminder is about its down: it goes through quiet hours as the down did.
                devices = devices.filter { planner.alerts.critical.contains($0.name) }
            }
            if !devices.isEmpty { start(await remind(devices, now), via: spec) }
        }
        return told
    }

    /// When the channel's last reminder since `since` was delivered, from a device's delivery log (newest first); nil
    /// when none was, or the log could not be read (then the reminder due is sent: a duplicate rather than a loss).
    private static func lastReminder(in rows: [DeliveryRecord], channel: String, since: Date) -> Date? {
        rows.first { $0.kind == Notification.Kind.reminder.rawValue && $0.notifier == channel && $0.ok }
            .map(\.at).flatMap { $0 >= since ? $0 : nil }
    }

    /// True when the channel's quiet hours hold `n` (told in their summary, `QuietSummaries`).
    private func holds(_ spec: NotifierSpec, _ n: Notification, critical: Bool, now: Date) -> Bool {
        guard let quiet = spec.quiet, quiet.holds(critical: critical, now: now, zone: zone) else { return false }
        logger.info(
            "\(n.kind.rawValue) message about \(n.devices.joined(separator: ", ")) held for \(spec.name)'s quiet hours")
        return true
    }

    /// Deliveries still being tried.
    public var pending: Int { inFlight }

    /// Starts delivering one message through one channel (a digest, a quiet hours' summary), retried like the others.
    func send(_ n: Notification, via spec: NotifierSpec, summary: QuietSummary? = nil) {
        if let summary { summaries[spec.name] = summary }
        start(n, via: spec)
    }

    private func start(_ n: Notification, via spec: NotifierSpec) {
        inFlight += 1
        Task { await deliver(n, via: spec) }
    }

    /// Sends once per attempt until a 2xx (or 250 for SMTP), recording each attempt; returns whether it got through.
    @discardableResult
    public func deliver(_ n: Notification, via spec: NotifierSpec) async -> Bool {
        defer { inFlight = max(0, inFlight - 1) }
        for attempt in 0...backoff.count {
            let (ok, detail) = await Self.attempt(n, via: spec, send: send)
            let row = DeliveryRecord(
                at: Date(), devices: n.devices, notifier: spec.name, kind: n.kind.rawValue,
                attempt: attempt + 1, ok: ok, detail: detail)
            do { try await store.recordDelivery(row) } catch { logger.error("delivery log: \(error)") }
            Counter(
                label: "downtime_notification_attempts",
                dimensions: [("notifier", spec.name), ("ok", ok ? "true" : "false")]
            )
            .increment()
            if ok { return true }
            logger.warning("notify \(spec.name) attempt \(attempt + 1) failed: \(detail)")
            if attempt < backoff.count {
                // Jitter keeps many retries from meeting again at the receiver.
                try? await Task.sleep(for: .seconds(backoff[attempt] * Double.random(in: 0.8...1.2)))
            }
        }
        return false
    }

    static func attempt(
        _ n: Notification, via spec: NotifierSpec,
        send: @Sendable (CurlRequest) async throws -> CurlResponse
    ) async -> (Bool, String) {
        do {
            let channel = spec.kind.channel
            let response = try await send(try channel.request(n, spec: spec))
            return (channel.delivered(status: response.status), "status \(response.status)")
        } catch {
            return (false, "\(error)")
        }
    }
}
