import CurlClient
import DowntimeProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Quiet hours (issue #28) in the notifier and on both stores: a channel's messages are held in its window (a
/// critical device's down goes through, other channels are unaffected), the summary is sent once at the window's
/// end from the stored outages, and a new `QuietSummaries` (a restart, a new leader) neither loses nor doubles it.
@Suite struct QuietSummariesTests {
    final class Outbox: Sendable {
        let sent = Mutex<[(url: String, body: String)]>([])
        var count: Int { sent.withLock { $0.count } }
        func bodies(_ path: String) -> [String] {
            sent.withLock { $0.filter { $0.url.hasSuffix(path) }.map(\.body) }
        }
    }

    static func notifier(_ specs: [NotifierSpec], store: any Store, outbox: Outbox, zone: TimeZone = .gmt) -> Notifier {
        Notifier(
            specs: specs, planner: NotificationPlanner(), store: store, logger: Logger(label: "test"), backoff: [],
            reminderHold: 0, zone: zone,
            send: { request in
                outbox.sent.withLock { $0.append((request.url, String(decoding: request.body, as: UTF8.self))) }
                return CurlResponse(status: 200, body: [])
            })
    }

    static func delivered(_ outbox: Outbox, _ n: Int) async {
        for _ in 0..<200 where outbox.count < n { try? await Task.sleep(for: .milliseconds(10)) }
    }

    static func flip(_ device: String, _ from: DeviceStatus, _ to: DeviceStatus, at: Date) -> FlipChange {
        FlipChange(
            device: device, status: to,
            event: Event(
                device: device, at: at, bootID: nil, payload: .flip(FlipRecord(from: from, to: to, reason: "r"))))
    }

    static func compose(_ plan: NotificationPlanner.Planned) -> CollectorRules.Notification {
        CollectorRules.Notification(kind: plan.kind, devices: plan.devices, title: "t", text: "down", at: plan.at)
    }

    /// Tuesday 2026-12-08 02:13:20 UTC, inside 23:00-07:00.
    static let night = Date(timeIntervalSince1970: 1_796_696_000)

    @Test func aQuietChannelHoldsWhatIsDueButACriticalDownAndOtherChannelsGoThrough() async throws {
        let h = try StoreHandle.fresh(.sqlite)
        defer { h.remove() }
        let outbox = Outbox()
        let specs = [
            try NotifierSpec.parse("quiet=webhook http://127.0.0.1:9/quiet quiet=23:00-07:00 remind=5m"),
            try NotifierSpec.parse("loud=webhook http://127.0.0.1:9/loud remind=5m"),
        ]
        let n = Self.notifier(specs, store: try await h.open(), outbox: outbox)
        await n.observe(.alerts(DeviceAlerts(critical: ["freezer"])))
        await n.observe(.flips([Self.flip("pi-shed", .up, .down, at: Self.night)], now: Self.night))
        await n.observe(.flips([Self.flip("freezer", .up, .down, at: Self.night)], now: Self.night))
        await n.tick(now: Self.night + 11, deviceCount: 10, compose: Self.compose)
        // Reminders: the critical device's goes through, the other's is held.
        let down = ["pi-shed": Self.night, "freezer": Self.night]
        await n.tick(now: Self.night + 300, deviceCount: 10, down: down, compose: Self.compose)
        await Self.delivered(outbox, 5)
        try await Task.sleep(for: .milliseconds(50))
        let quiet = outbox.bodies("/quiet")
        let loud = outbox.bodies("/loud")
        // The loud channel: two downs and one reminder for both.
        #expect(loud.count == 3, "\(loud)")
        // The quiet one: the critical down, and the reminder with the critical device only.
        #expect(quiet.count == 2, "\(quiet)")
        #expect(quiet.allSatisfy { $0.contains("freezer") && !$0.contains("pi-shed") }, "\(quiet)")
        // After the window: nothing held any more.
        let morning = Date(timeIntervalSince1970: 1_796_716_800) // 08:00
        await n.observe(.flips([Self.flip("pi-shed", .down, .up, at: morning)], now: morning))
        await n.tick(now: morning + 31, deviceCount: 10, compose: Self.compose)
        await Self.delivered(outbox, 7)
        #expect(outbox.bodies("/quiet").count == 3 && outbox.bodies("/loud").count == 4)
    }

    @Test func aBadQuietOptionIsRefusedNamingIt() throws {
        for bad in ["23:00", "23:00-23:00", "25:00-07:00", "7:00-8:00"] {
            do {
                _ = try NotifierSpec.parse("phone=webhook http://x/ quiet=\(bad)")
                Issue.record("\(bad) accepted")
            } catch {
                #expect("\(error)".contains("phone: quiet must be HH:MM-HH:MM"), "\(error)")
            }
        }
        #expect(try NotifierSpec.parse("phone=webhook http://x/ quiet=22:30-06:15").quiet?.text == "22:30-06:15")
        #expect(try NotifierSpec.parse("phone=webhook http://x/").quiet == nil)
    }

    @Test func theSummaryInWords() throws {
        let start = Date(timeIntervalSince1970: 1_796_680_800) // 2026-12-07 22:00 UTC, 23:00 CET
        let window = DateInterval(start: start, end: start + 8 * 3600)
        let berlin = LocalTime(try #require(TimeZone(identifier: "Europe/Berlin")))
        let summary = QuietSummary(
            window: window,
            lines: [
                .init(
                    device: "pi-shed", start: start + 3600 + 780, end: start + 3600 + 2400, outages: 1, down: 1620,
                    cause: .powerLoss),
                .init(device: "nas-cam", start: start + 3 * 3600 + 300, end: nil, outages: 1, down: 0, cause: .unknown),
            ])
        let n = try #require(QuietWriter.notification(summary, time: berlin))
        #expect(n.kind == .quiet && n.devices == ["nas-cam", "pi-shed"])
        #expect(
            n.text
                == "While quiet (2026-12-07 23:00–07:00 CET): pi-shed down 00:13–00:40 (27m 0s, power loss or crash); "
                + "nas-cam still down since 02:05, unknown.", "\(n.text)")
        #expect(n.title == "While quiet (2026-12-07 23:00–07:00 CET): 2 devices, 1 still down", "\(n.title)")
        #expect(QuietWriter.notification(QuietSummary(window: window, lines: []), time: berlin) == nil)
        // Other held messages: said after the outages, or alone.
        let notes = QuietSummary(
            window: window, lines: [],
            notes: [
                .init(device: "pi-new", at: start + 600, what: .new),
                .init(device: "pi-a", at: start + 7200, what: .check(name: "web", to: .failing, detail: "HTTP 502")),
                .init(
                    device: "nas", at: start + 7260,
                    what: .job(JobFlipRecord(name: "backup", from: .running, to: .failed, reason: "exit 1"))),
            ])
        let m = try #require(QuietWriter.notification(notes, time: berlin))
        #expect(
            m.text
                == "While quiet (2026-12-07 23:00–07:00 CET): no outage. Also: pi-new first reported 2026-12-07 23:10; "
                + "pi-a: check web failing 01:00 (HTTP 502); backup on nas failed (exit 1) 01:01.", "\(m.text)")
        #expect(
            m.title == "While quiet (2026-12-07 23:00–07:00 CET): 3 messages"
                && m.devices == ["nas", "pi-a", "pi-new"])
    }

    /// The last full hour before the real clock: the device reader reads the log on it.
    static func realWindow() -> (option: String, end: Date) {
        let end = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "HH:mm"
        return ("\(f.string(from: end - 7200))-\(f.string(from: end))", end)
    }

    static func summaries(_ store: any Store, option: String, outbox: Outbox, notifier: Notifier? = nil) async throws
        -> QuietSummaries
    {
        let spec = try NotifierSpec.parse("hook=webhook http://127.0.0.1:9/hook quiet=\(option)")
        let source = try await DigestSource.standalone(
            store: store, settings: .init(policy: LivenessPolicy(), defaultInterval: 10, maintenance: [], time: .utc))
        return QuietSummaries(
            specs: [spec], notifier: notifier ?? Self.notifier([spec], store: store, outbox: outbox), source: source,
            store: store, time: .utc, damp: 600, logger: Logger(label: "test"))
    }

    /// A down a few seconds before the window's end is due just after it: the summary named it, so the channel does
    /// not get it on its own too; a down the summary could not name (recorded after it was built) still goes out, and
    /// the return of the one told as still down is told.
    @Test func aDownHeldPastTheWindowsEndThatTheSummaryToldIsNotToldAgain() async throws {
        let (option, end) = Self.realWindow()
        let (h, store) = try await StoreHandle.withDevices(.sqlite, ["pi-shed", "pi-late"], createdAt: end - 86_400)
        defer { h.remove() }
        for (device, from, to, at) in [
            ("pi-shed", DeviceStatus.new, DeviceStatus.up, end - 86_000), ("pi-late", .new, .up, end - 86_000),
            ("pi-shed", .up, .down, end - 5),
        ] {
            _ = try await store.recordFlips([Self.flip(device, from, to, at: at)])
        }
        let outbox = Outbox()
        let spec = try NotifierSpec.parse("hook=webhook http://127.0.0.1:9/hook quiet=\(option)")
        let notifier = Self.notifier([spec], store: store, outbox: outbox)
        let summaries = try await Self.summaries(store, option: option, outbox: outbox, notifier: notifier)
        await notifier.observe(.flips([Self.flip("pi-shed", .up, .down, at: end - 5)], now: end - 5))
        await summaries.tick(now: end - 600)
        await summaries.tick(now: end + 1)
        // Detected after the summary was built, dated at its last beat inside the window.
        _ = try await store.recordFlips([Self.flip("pi-late", .up, .down, at: end - 2)])
        await notifier.observe(.flips([Self.flip("pi-late", .up, .down, at: end - 2)], now: end + 2))
        await notifier.tick(now: end + 13, deviceCount: 10, compose: Self.compose)
        await notifier.observe(.flips([Self.flip("pi-shed", .down, .up, at: end + 60)], now: end + 60))
        await notifier.tick(now: end + 91, deviceCount: 10, compose: Self.compose)
        await Self.delivered(outbox, 3)
        try await Task.sleep(for: .milliseconds(50))
        let bodies = outbox.bodies("/hook")
        #expect(bodies.count == 3, "\(bodies)")
        #expect(bodies.first?.contains("\"event\":\"quiet\"") == true && bodies.first?.contains("pi-shed") == true)
        let downs = bodies.filter { $0.contains("\"event\":\"down\"") }
        #expect(downs.count == 1 && downs.allSatisfy { $0.contains("pi-late") && !$0.contains("pi-shed") }, "\(downs)")
        #expect(bodies.filter { $0.contains("\"event\":\"up\"") && $0.contains("pi-shed") }.count == 1)
    }

    @Test(arguments: Backend.all) func theSummaryIsSentOnceAtTheEndAndNotAgainAfterARestart(_ backend: Backend)
        async throws
    {
        let (option, end) = Self.realWindow()
        let (h, store) = try await StoreHandle.withDevices(backend, ["pi-shed", "nas-cam"], createdAt: end - 86_400)
        defer { h.remove() }
        let flips: [(String, DeviceStatus, DeviceStatus, Date)] = [
            ("pi-shed", .new, .up, end - 86_000), ("nas-cam", .new, .up, end - 86_000),
            ("pi-shed", .up, .down, end - 5400), ("pi-shed", .down, .up, end - 3780),
            ("nas-cam", .up, .down, end - 1800),
        ]
        for (device, from, to, at) in flips {
            let recorded = try await store.recordFlips([Self.flip(device, from, to, at: at)])
            #expect(recorded.count == 1)
        }
        let log = try #require(store as? any QuietLog)
        let outbox = Outbox()
        let first = try await Self.summaries(store, option: option, outbox: outbox)
        // First sight inside the window: a baseline (yesterday's end), nothing sent.
        await first.tick(now: end - 600)
        #expect(try await log.quietSent(channel: "hook") == end - 86_400)
        await first.tick(now: end - 1)
        await first.tick(now: end)
        await first.tick(now: end + 1)
        await Self.delivered(outbox, 1)
        try await Task.sleep(for: .milliseconds(50))
        let bodies = outbox.bodies("/hook")
        #expect(bodies.count == 1)
        let text = bodies.first ?? ""
        #expect(text.contains("\"event\":\"quiet\""), "\(text)")
        #expect(text.contains("pi-shed down ") && text.contains("(27m 0s, "), "\(text)")
        #expect(text.contains("nas-cam still down since "), "\(text)")
        #expect(try await log.quietSent(channel: "hook") == end)
        // A restart (or a new leader): nothing again; the first instance sees the store's word too.
        let second = try await Self.summaries(try await h.open(), option: option, outbox: outbox)
        await second.tick(now: end + 60)
        await first.tick(now: end + 61)
        try await Task.sleep(for: .milliseconds(50))
        #expect(outbox.count == 1)
    }

    @Test(arguments: Backend.all) func theStoredEndNeverMovesBack(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let log = try #require(try await h.open() as? any QuietLog)
        #expect(try await log.quietSent(channel: "phone") == nil)
        try await log.setQuietSent(channel: "phone", end: Self.night)
        try await log.setQuietSent(channel: "phone", end: Self.night - 86_400)
        try await log.setQuietSent(channel: "mail", end: Self.night - 3600)
        let again = try #require(try await h.open() as? any QuietLog)
        #expect(try await again.quietSent(channel: "phone") == Self.night)
        #expect(try await again.quietSent(channel: "mail") == Self.night - 3600)
        // Only an end recorded ahead of now (a clock that ran ahead) is moved back.
        #expect(try await !again.rewindQuietSent(channel: "phone", end: Self.night - 86_400, now: Self.night + 1))
        #expect(try await again.rewindQuietSent(channel: "phone", end: Self.night - 86_400, now: Self.night - 60))
        #expect(try await again.quietSent(channel: "phone") == Self.night - 86_400)
        #expect(try await !again.rewindQuietSent(channel: "none", end: Self.night, now: Self.night - 60))
    }
}
