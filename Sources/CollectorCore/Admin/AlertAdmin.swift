import CollectorRules
import DowntimeProtocol
import Foundation

/// Acknowledging, snoozing and marking devices critical (docs/DESIGN.md "Acknowledge, snooze, critical"), for the
/// CLI, the admin pages and the message's `/ack/TOKEN` link; names and durations are checked here, so every caller
/// refuses the same bad input the same way.
public struct AlertAdmin: Sendable {
    let store: any Store
    let clock: any WallClock

    /// The longest snooze: a forgotten one should not silence a device for ever.
    public static let longestSnooze: TimeInterval = 30 * 86_400

    public init(store: any Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Acknowledges the device's current outage, `by` whom; returns its name. Refused when it is not down.
    @discardableResult
    public func acknowledge(device raw: String, by: String) async throws -> String {
        let name = try DeviceAdmin.deviceName(raw)
        guard let record = try await store.device(named: name) else { throw AdminError.noDevice(name) }
        guard record.status == .down else { throw AdminError.notDown(name) }
        let ack = DeviceAlerts.Ack(since: record.statusSince, at: clock.now(), by: by)
        guard try await store.acknowledge(device: name, ack) else { throw AdminError.noDevice(name) }
        return name
    }

    /// Snoozes the device for `duration` (`30m`, `4h`, `1d`; nil wakes it); returns its name and until when.
    public func snooze(device raw: String, for duration: String?) async throws -> (name: String, until: Date?) {
        let name = try DeviceAdmin.deviceName(raw)
        // An unknown device is named before a bad duration.
        guard try await store.device(named: name) != nil else { throw AdminError.noDevice(name) }
        var until: Date?
        if let duration {
            guard let seconds = Durations.parse(duration), seconds <= Self.longestSnooze else {
                throw AdminError.invalidSnooze
            }
            until = clock.now() + seconds
        }
        guard try await store.setSnoozed(until: until, device: name) else { throw AdminError.noDevice(name) }
        return (name, until)
    }

    /// Marks the device critical or not; returns its name.
    @discardableResult
    public func setCritical(_ critical: Bool, device raw: String) async throws -> String {
        let name = try DeviceAdmin.deviceName(raw)
        guard try await store.setCritical(critical, device: name) else { throw AdminError.noDevice(name) }
        return name
    }

    /// One device's acknowledgement (of its current outage only), snooze (while it lasts) and critical mark.
    public func state(of record: DeviceRecord) async throws -> DeviceAlertState {
        let alerts = try await store.deviceAlerts()
        return DeviceAlertState(alerts, record: record, now: clock.now())
    }

    /// Uses an acknowledge link's token `by` whom: the outages it names that still go on are acknowledged.
    public func useLink(token: String, by: String) async throws -> AckLinkOutcome {
        guard token.utf8.count <= 100 else { return .unknown }
        let hash = Tokens.hash(token)
        guard let link = try await store.ackLink(hash: hash) else { return .unknown }
        guard link.usedAt == nil else { return .used }
        var going: [(String, Date)] = []
        for o in link.outages {
            guard let record = try await store.device(named: o.device), record.status == .down,
                DeviceAlerts.same(record.statusSince, o.since)
            else { continue }
            going.append((o.device, o.since))
        }
        guard !going.isEmpty else { return .expired }
        // One use: a second POST racing with this one finds it used.
        guard try await store.useAckLink(hash: hash, at: clock.now()) else { return .used }
        for (device, since) in going {
            _ = try await store.acknowledge(device: device, DeviceAlerts.Ack(since: since, at: clock.now(), by: by))
        }
        return .acknowledged(going.map(\.0))
    }

    /// Whether a link's token is usable now (for its page's GET, which changes nothing).
    public func peekLink(token: String) async throws -> AckLinkOutcome {
        guard token.utf8.count <= 100, let link = try await store.ackLink(hash: Tokens.hash(token)) else {
            return .unknown
        }
        guard link.usedAt == nil else { return .used }
        var going: [String] = []
        for o in link.outages {
            if let r = try await store.device(named: o.device), r.status == .down,
                DeviceAlerts.same(r.statusSince, o.since)
            {
                going.append(o.device)
            }
        }
        return going.isEmpty ? .expired : .acknowledged(going)
    }
}
