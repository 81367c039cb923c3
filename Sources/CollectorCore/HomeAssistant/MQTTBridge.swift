import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import MQTTClient
import ServiceLifecycle

/// Publishes the fleet to an MQTT broker with Home Assistant's discovery (docs/DESIGN.md "Home Assistant and
/// MQTT"). Only while this collector leads: a follower stays off the broker, so its last will never marks the fleet
/// offline. Ingest never waits on it: the link queues the newest message per topic and never blocks.
public struct MQTTBridge: Service {
    let settings: MQTTSettings
    let source: any MQTTFleetSource
    let messages: HomeAssistantMessages
    let makeLink: @Sendable () -> any MQTTLink
    let logger: Logger
    /// How often states are compared with what was published (only changes go out).
    let refresh: Duration
    /// How often every state is published again, changed or not.
    let republish: TimeInterval

    public init(
        settings: MQTTSettings, source: any MQTTFleetSource, pageURL: String?, collectorVersion: String,
        logger: Logger, refresh: Duration = .seconds(10), republish: TimeInterval = 60,
        makeLink: (@Sendable () -> any MQTTLink)? = nil
    ) {
        self.settings = settings
        self.source = source
        self.messages = HomeAssistantMessages(settings: settings, pageURL: pageURL, collectorVersion: collectorVersion)
        self.logger = logger
        self.refresh = refresh
        self.republish = republish
        self.makeLink =
            makeLink ?? {
                MQTTConnection(settings.options(clientID: "downtimemon-\(UUID().uuidString.prefix(8).lowercased())"))
            }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard source.isLeading else {
                    source.mqttChanged(
                        MQTTLinkStatus(broker: settings.brokerName, state: .standby, since: source.now()))
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                await lead()
            }
        }
    }

    /// One stretch of leading: a fresh link, everything published on each connect, until the lead or the run ends.
    private func lead() async {
        let link = makeLink()
        let state = BridgeState(messages: messages, link: link)
        let haStatus = settings.discoveryPrefix.map(MQTTTopics.homeAssistantStatus(prefix:))
        if let haStatus { link.subscribe(haStatus) }
        report(link, connected: false, reason: "connecting")
        link.start()
        let changes = source.statusChanges()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in link.events {
                    switch event {
                    case .connected:
                        logger.notice("MQTT: connected to \(settings.brokerName)")
                        report(link, connected: true)
                        await publishAll(state, force: true)
                    case .disconnected(let reason):
                        logger.warning("MQTT: not connected to \(settings.brokerName): \(reason); retrying")
                        report(link, connected: false, reason: reason)
                    case .message(let topic, let payload) where topic == haStatus:
                        // Home Assistant's birth: it (re)started and reads the configs again.
                        if payload == Array("online".utf8) { await publishAll(state, force: true) }
                    case .message:
                        break
                    }
                }
            }
            group.addTask {
                for await name in changes {
                    guard let detail = try? await source.deviceDetail(name) else { continue }
                    await state.send(detail)
                }
            }
            // The clock of the stretch: refreshes, the minute's republish, and the end of the lead.
            var lastFull = Date.distantPast
            while !Task.isCancelled && source.isLeading {
                try? await Task.sleep(for: refresh)
                guard !Task.isCancelled && source.isLeading else { break }
                let full = Date().timeIntervalSince(lastFull) >= republish
                if full { lastFull = Date() }
                await publishAll(state, force: full, forceConfigs: false)
                report(link, connected: link.isConnected)
            }
            // A clean stop says offline itself; a lost lead leaves the status to the new leader.
            if Task.isCancelled { link.publish(messages.offline) }
            await link.stop()
            group.cancelAll()
        }
        if !Task.isCancelled { logger.notice("MQTT: another collector leads; this one stops publishing") }
    }

    /// Every device, UPS and the newest incident; `force` sends what did not change too.
    private func publishAll(_ state: BridgeState, force: Bool, forceConfigs: Bool = true) async {
        do {
            let details = try await source.deviceDetails()
            let incident = try await source.recentIncidents().max { $0.start < $1.start }
            await state.sendAll(
                details, ups: source.upsStates(), incident: incident, force: force, forceConfigs: force && forceConfigs)
        } catch {
            logger.warning("MQTT: could not read the fleet to publish it: \(error)")
        }
    }

    private func report(_ link: any MQTTLink, connected: Bool, reason: String? = nil) {
        source.mqttChanged(
            MQTTLinkStatus(
                broker: settings.brokerName, state: connected ? .connected : .connecting,
                reason: connected ? nil : reason, since: source.now(), dropped: link.dropped))
    }
}

/// What this stretch of leading has published: each topic's last payload, so that only changes go out between the
/// full rounds, and the devices known, so that one that is gone has its topics emptied.
actor BridgeState {
    let messages: HomeAssistantMessages
    let link: any MQTTLink
    private var published: [String: [UInt8]] = [:]
    private var devices: Set<String> = []
    /// What each device's config was made from: a config is made again only when that changes (or on a force).
    private var configMadeFrom: [String: HomeAssistantMessages.ConfigFacts] = [:]

    init(messages: HomeAssistantMessages, link: any MQTTLink) {
        self.messages = messages
        self.link = link
    }

    /// One device's state after a change (its config too, when that changed: a first beat names the version).
    func send(_ detail: DeviceDetail) {
        sendDevice(detail, force: false, forceConfig: false)
    }

    /// Configs go out when they changed, or all with `forceConfigs` (a new session, Home Assistant's birth):
    /// Home Assistant reads each config it gets again, so they are not part of the minute's round.
    func sendAll(_ details: [DeviceDetail], ups: [UPSState], incident: Incident?, force: Bool, forceConfigs: Bool) {
        if force { send(messages.online, force: true) }
        var names = Set<String>()
        for d in details {
            names.insert(d.view.name)
            sendDevice(d, force: force, forceConfig: forceConfigs)
        }
        for gone in devices.subtracting(names) {
            for m in messages.removal(device: gone) {
                send(m, force: true)
                published[m.topic] = nil
            }
            devices.remove(gone)
            configMadeFrom[gone] = nil
        }
        for u in ups {
            if let c = messages.config(u) { send(c, force: forceConfigs) }
            send(messages.state(u), force: force)
        }
        if let incident { send(messages.incident(incident), force: force) }
    }

    private func sendDevice(_ d: DeviceDetail, force: Bool, forceConfig: Bool) {
        devices.insert(d.view.name)
        let facts = HomeAssistantMessages.ConfigFacts(d.view)
        if forceConfig || configMadeFrom[d.view.name] != facts, let c = messages.config(d) {
            configMadeFrom[d.view.name] = facts
            send(c, force: forceConfig)
        }
        send(messages.state(d), force: force)
    }

    private func send(_ m: MQTTMessage, force: Bool) {
        guard force || published[m.topic] != m.payload else { return }
        published[m.topic] = m.payload
        link.publish(m)
    }
}
