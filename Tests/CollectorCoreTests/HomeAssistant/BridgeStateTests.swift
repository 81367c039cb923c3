import DowntimeProtocol
import Foundation
import MQTTClient
import Synchronization
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The link as the bridge sees it, recording what it is given (the real one is tested against mosquitto).
final class RecordingLink: MQTTLink {
    let events: AsyncStream<MQTTLinkEvent>
    private let sent = Mutex<[MQTTMessage]>([])
    init() { events = AsyncStream { $0.finish() } }
    func start() {}
    func publish(_ message: MQTTMessage) { sent.withLock { $0.append(message) } }
    func subscribe(_ topic: String) {}
    func stop() async {}
    var isConnected: Bool { true }
    var dropped: Int { 0 }
    /// The topics sent since the last call.
    func take() -> [String] {
        sent.withLock { s in
            defer { s = [] }
            return s.map(\.topic)
        }
    }
}

@Suite struct BridgeStateTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    let messages = HomeAssistantMessages(
        settings: try! MQTTSettings(url: "mqtt://b", key: "k"), pageURL: nil, collectorVersion: "1")

    func detail(_ name: String, status: DeviceStatus = .up, version: String? = nil) -> DeviceDetail {
        DeviceDetail(
            view: DeviceView(
                name: name, status: status, lastSeen: now, intervalS: 10, agentVersion: version, bootID: nil,
                clockSkewS: nil, clockSynced: nil, uptimeS: nil, currentOutage: nil, lastOutage: nil,
                uptime: UptimeView(day: 1, week: 1, month: 1), tags: []),
            outages: [], unknown: [], firstSeen: now, days: [])
    }

    @Test func onlyChangesGoOutBetweenFullRoundsAndAGoneDeviceIsEmptied() async {
        let link = RecordingLink()
        let state = BridgeState(messages: messages, link: link)
        await state.sendAll([detail("a"), detail("b")], ups: [], incident: nil, force: true, forceConfigs: true)
        #expect(
            Set(link.take()) == [
                "downtime/status", "homeassistant/device/a/config", "downtime/device/a/state",
                "homeassistant/device/b/config", "downtime/device/b/state",
            ])
        // Nothing changed: nothing sent.
        await state.sendAll([detail("a"), detail("b")], ups: [], incident: nil, force: false, forceConfigs: false)
        #expect(link.take().isEmpty)
        // a goes down (its state only); the agent of b says its version (b's config and, unchanged, no state).
        await state.sendAll(
            [detail("a", status: .down), detail("b", version: "0.2")], ups: [], incident: nil, force: false,
            forceConfigs: false)
        #expect(link.take() == ["downtime/device/a/state", "homeassistant/device/b/config"])
        // b is removed: its state and config are emptied, once.
        await state.sendAll([detail("a", status: .down)], ups: [], incident: nil, force: false, forceConfigs: false)
        #expect(link.take() == ["downtime/device/b/state", "homeassistant/device/b/config"])
        await state.sendAll([detail("a", status: .down)], ups: [], incident: nil, force: false, forceConfigs: false)
        #expect(link.take().isEmpty)
        // The minute's round: every state again, the configs only on a new session or Home Assistant's birth.
        await state.sendAll([detail("a", status: .down)], ups: [], incident: nil, force: true, forceConfigs: false)
        #expect(link.take() == ["downtime/status", "downtime/device/a/state"])
    }

    @Test func aChangeOfOneDeviceSendsItsStateAndANewDeviceItsConfig() async {
        let link = RecordingLink()
        let state = BridgeState(messages: messages, link: link)
        await state.send(detail("new-one", status: .new))
        #expect(link.take() == ["homeassistant/device/new_one/config", "downtime/device/new-one/state"])
        await state.send(detail("new-one", status: .up))
        #expect(link.take() == ["downtime/device/new-one/state"])
    }
}
