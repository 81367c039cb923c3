import CurlClient
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// What a local receiver got.
actor Inbox {
    struct Request: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
        var method = "POST"
        /// When it arrived.
        var at = Date()
    }
    var requests: [Request] = []
    /// Answers 500 to this many requests first, to exercise retries.
    var failFirst = 0

    func take(_ r: Request) -> Bool {
        requests.append(r)
        if failFirst > 0 {
            failFirst -= 1
            return false
        }
        return true
    }

    func setFailFirst(_ n: Int) { failFirst = n }
}

/// An HTTP receiver on loopback standing in for webhook, ntfy, Slack, Discord and Telegram (POST), and for
/// a dead-man's switch the collector's self-ping GETs.
func withReceiver(_ body: @Sendable (Int, Inbox) async throws -> Void) async throws {
    let inbox = Inbox()
    let router = Router()
    let take: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
        var headers: [String: String] = [:]
        for f in request.headers { headers[f.name.canonicalName.lowercased()] = f.value }
        let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
        let ok = await inbox.take(
            .init(path: request.uri.path, headers: headers, body: text, method: request.method.rawValue))
        return Response(status: ok ? .ok : .internalServerError)
    }
    router.post("**", use: take)
    router.put("**", use: take)
    router.get("**", use: take)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        try await body(client.port!, inbox)
    }
}

@Suite(.serialized) struct NotificationDeliveryTests {
    static let note = Notification(
        kind: .down, devices: ["freezer-pi"], title: "freezer-pi is DOWN",
        text: "freezer-pi is down since 2026-11-22T08:00:00+00:00: no heartbeat.",
        at: Date(timeIntervalSince1970: 1_795_334_400))

    static func notifier(_ specs: [NotifierSpec], store: any Store, backoff: [TimeInterval] = []) -> Notifier {
        Notifier(
            specs: specs, planner: NotificationPlanner(), store: store, logger: Logger(label: "test"), backoff: backoff)
    }

    @Test(arguments: Backend.all) func everyHTTPChannelSendsItsShapeThroughLibcurl(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        try await withReceiver { port, inbox in
            let base = "http://127.0.0.1:\(port)"
            let specs = try [
                "hook=webhook \(base)/hook header:X-Token=s3cret",
                "phone=ntfy \(base)/freezer",
                "team=slack \(base)/slack",
                "chat=discord \(base)/discord",
                "bot=telegram \(base) bot_token=123:abc chat_id=42",
            ].map(NotifierSpec.parse)
            let n = Self.notifier(specs, store: h.store)
            for spec in specs { #expect(await n.deliver(Self.note, via: spec)) }
            let got = await inbox.requests
            #expect(got.map(\.path) == ["/hook", "/freezer", "/slack", "/discord", "/bot123:abc/sendMessage"])
            #expect(got[0].headers["x-token"] == "s3cret" && got[0].headers["content-type"] == "application/json")
            #expect(got[0].body.contains("\"event\":\"down\"") && got[0].body.contains("\"device\":\"freezer-pi\""))
            #expect(got[1].headers["title"] == "freezer-pi is DOWN" && got[1].headers["priority"] == "high")
            #expect(got[1].body == Self.note.text)
            #expect(got[2].body == "{\"text\":\"*freezer-pi is DOWN*\\n\(Self.note.text)\"}")
            #expect(got[3].body.hasPrefix("{\"content\":\"**freezer-pi is DOWN**"))
            #expect(got[4].body.contains("\"chat_id\":\"42\"") && got[4].body.contains("freezer-pi is DOWN"))
        }
        let log = try await h.store.deliveries(device: "freezer-pi", limit: 10)
        #expect(log.count == 5 && log.allSatisfy(\.ok))
    }

    /// Pushover, Gotify and Matrix (issue #28): each request as its service's published API has it.
    @Test func pushoverGotifyAndMatrixSendWhatTheirAPIsAsk() async throws {
        let h = try await Harness.make(.sqlite)
        try await withReceiver { port, inbox in
            let base = "http://127.0.0.1:\(port)"
            let specs = try [
                "push=pushover \(base)/ token=app123 user=user456",
                "got=gotify \(base) token=AbC.d",
                "mx=matrix \(base) room=!room:example.org token=syt_secret",
            ].map(NotifierSpec.parse)
            let n = Self.notifier(specs, store: h.store, backoff: [0.01])
            await inbox.setFailFirst(0)
            for spec in specs.prefix(2) { #expect(await n.deliver(Self.note, via: spec)) }
            // Matrix: the first attempt fails; the retry is the same transaction (the homeserver stores it once).
            await inbox.setFailFirst(1)
            #expect(await n.deliver(Self.note, via: specs[2]))
            let got = await inbox.requests
            #expect(got.count == 4)
            func json(_ r: Inbox.Request) throws -> [String: Any] {
                try #require(try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])
            }
            #expect(got[0].path == "/1/messages.json" && got[0].method == "POST")
            #expect(got[0].headers["content-type"] == "application/json")
            let push = try json(got[0])
            #expect(push["token"] as? String == "app123" && push["user"] as? String == "user456")
            #expect(push["title"] as? String == "freezer-pi is DOWN" && push["message"] as? String == Self.note.text)
            #expect(push["priority"] as? Int == 0 && push["timestamp"] as? Int == 1_795_334_400)
            #expect(got[1].path == "/message" && got[1].headers["x-gotify-key"] == "AbC.d")
            let gotify = try json(got[1])
            #expect(gotify["title"] as? String == "freezer-pi is DOWN" && gotify["priority"] as? Int == 8)
            #expect(got[2].method == "PUT" && got[3].method == "PUT")
            #expect(got[2].path.hasPrefix("/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/dtm-"))
            #expect(got[2].path == got[3].path, "a retry is the same transaction")
            #expect(got[2].headers["authorization"] == "Bearer syt_secret")
            let mx = try json(got[2])
            #expect(mx["msgtype"] as? String == "m.text")
            #expect(mx["body"] as? String == "freezer-pi is DOWN\n\(Self.note.text)")
            // Another message is another transaction.
            var other = Self.note
            other.kind = .up
            #expect(
                MatrixChannel.transactionID(other, spec: specs[2])
                    != MatrixChannel.transactionID(Self.note, spec: specs[2]))
        }
    }

    @Test(arguments: [
        ("p=pushover https://api.pushover.net token=a", "pushover needs user="),
        ("p=pushover https://api.pushover.net token=a user=b priority=2", "priority must be -2, -1, 0 or 1"),
        ("g=gotify https://gotify.lan", "gotify needs token="),
        ("g=gotify https://gotify.lan token=a priority=11", "priority must be 0 to 10"),
        ("m=matrix https://matrix.lan token=a", "matrix needs room="),
        ("m=matrix https://matrix.lan room=#alias:lan token=a", "room must be a room id"),
        ("m=matrix matrix.lan room=!a:lan token=a", "URL must start with"),
    ])
    func theNewChannelsRefuseBadOptions(spec: String, words: String) {
        #expect {
            try NotifierSpec.parse(spec)
        } throws: { error in
            (error as? WireValidationError)?.message.contains(words) == true
        }
    }

    @Test(arguments: Backend.all) func failedAttemptsAreRetriedAndLogged(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        try await withReceiver { port, inbox in
            await inbox.setFailFirst(2)
            let spec = try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")
            let n = Self.notifier([spec], store: h.store, backoff: [0.01, 0.01, 0.01])
            #expect(await n.deliver(Self.note, via: spec))
            #expect(await inbox.requests.count == 3)
        }
        let log = try await h.store.deliveries(device: "freezer-pi", limit: 10)
        #expect(log.map(\.ok) == [true, false, false] && log.map(\.attempt) == [3, 2, 1])
        #expect(log.last?.detail == "status 500")
    }

    @Test(arguments: Backend.all) func anUnreachableReceiverFailsCleanlyAfterItsAttempts(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        let spec = try NotifierSpec.parse("hook=webhook http://127.0.0.1:9/nothing-listens")
        let n = Self.notifier([spec], store: h.store, backoff: [0.01])
        #expect(await n.deliver(Self.note, via: spec) == false)
        let log = try await h.store.deliveries(device: "freezer-pi", limit: 10)
        #expect(log.count == 2 && log.allSatisfy { !$0.ok && $0.detail.contains("127.0.0.1:9") })
    }

    @Test(arguments: Backend.all) func emailGoesThroughSMTP(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let folder = h.dir + "/mail"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // A port the kernel says is free (a random one collided with the suite's own connections once).
        let port = try freeLoopbackPort()
        let sink = Process()
        sink.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("fixtures/smtp_sink.py").path
        sink.arguments = ["python3", script, String(port), folder]
        let stdin = Pipe()
        let stdout = Pipe()
        sink.standardInput = stdin
        sink.standardOutput = stdout
        try sink.run()
        defer {
            try? stdin.fileHandleForWriting.close()
            sink.waitUntilExit()
        }
        #expect(String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("ready"))
        let spec = try NotifierSpec.parse(
            "mail=email smtp://127.0.0.1:\(port) from=dt@lan to=me@lan,you@lan starttls=no")
        let n = Self.notifier([spec], store: h.store)
        #expect(await n.deliver(Self.note, via: spec))
        let mail = try String(contentsOfFile: folder + "/1.eml", encoding: .utf8)
        #expect(mail.contains("MAIL FROM: dt@lan") && mail.contains("RCPT TO: me@lan,you@lan"))
        #expect(mail.contains("Subject: freezer-pi is DOWN") && mail.contains(Self.note.text))
    }

    @Test(arguments: Backend.all) func collectorFlipsBecomeMessagesAndARestartSendsNone(_ backend: Backend) async throws
    {
        try await withReceiver { port, inbox in
            let (h, token) = try await Self.webhookHarness(backend, port: port)
            try await h.test { client in
                try await Self.beatThenDown(h, client, token: token)
                h.clock.advance(10)
                await h.collector.notifications.tick()
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
                h.clock.advance(5)
                await h.collector.notifications.tick()
            }
            try await Self.settle(h.collector.notifications.notifier!)
            let kinds = await inbox.requests.compactMap { r in
                ["new", "down", "up"].first { r.body.contains("\"event\":\"\($0)\"") }
            }
            // Delivered concurrently: the order of arrival is not fixed.
            #expect(kinds.sorted() == ["down", "new", "up"])
            let up = await inbox.requests.first { $0.body.contains("\"event\":\"up\"") }
            #expect(up?.body.contains("is back up after 50s") == true, "\(up?.body ?? "")")

            // A restart alone tells nobody anything.
            let before = await inbox.requests.count
            let h2 = try await h.restarted(after: 600)
            try await h2.collector.sweeper.sweep()
            h2.clock.advance(60)
            await h2.collector.notifications.tick()
            try await Self.settle(h2.collector.notifications.notifier!)
            #expect(await inbox.requests.count == before)
        }
    }

    /// The stored cursor moves past a flip once its message went out, not after a fixed hold: a collector killed
    /// seconds after an up message (within the old hold) does not send it again at its restart.
    @Test(arguments: Backend.all) func aRestartSoonAfterAMessageWentOutDoesNotSendItAgain(_ backend: Backend)
        async throws
    {
        try await withReceiver { port, inbox in
            let (h, token) = try await Self.webhookHarness(backend, port: port)
            try await h.test { client in
                try await Self.beatThenDown(h, client, token: token)
                await h.collector.notifications.tick()
                h.clock.advance(10)
                await h.collector.notifications.tick()
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
                await h.collector.notifications.tick()
                h.clock.advance(5)
                await h.collector.notifications.tick() // the up message goes out
                h.clock.advance(2.5)
                await h.collector.notifications.tick()
            }
            try await Self.settle(h.collector.notifications.notifier!)
            let ups = { await inbox.requests.filter { $0.body.contains("\"event\":\"up\"") }.count }
            #expect(await ups() == 1)
            let h2 = try await h.restarted(after: 0.5)
            await h2.collector.notifications.tick()
            h2.clock.advance(10)
            await h2.collector.notifications.tick()
            try await Self.settle(h2.collector.notifications.notifier!)
            #expect(await ups() == 1)
        }
    }

    /// An incident's message waits until the incident has settled; a collector killed meanwhile tells it after its
    /// restart (the store says it was not told), once: a later restart does not tell it again.
    @Test(arguments: Backend.all) func anIncidentHeldWhenTheCollectorIsKilledIsToldAfterItsRestart(
        _ backend: Backend
    ) async throws {
        try await withReceiver { port, inbox in
            let (h, _) = try await Self.recordedPowerCut(backend, port: port)
            await h.collector.notifications.tick() // held: the incident settles for 5 s
            let incidents = { await inbox.requests.filter { $0.body.contains("\"event\":\"incident\"") }.count }
            try await Self.settle(h.collector.notifications.notifier!)
            #expect(await incidents() == 0)
            let h2 = try await Self.killedAndRestarted(h, advance: 6)
            #expect(await incidents() == 1)
            _ = try await Self.killedAndRestarted(h2, advance: 6)
            #expect(await incidents() == 1)
        }
    }

    /// A storage message is told at once, but in the next tick: a collector killed before it tells it after its
    /// restart (the log's cursor stayed before the stored `storage` event; campaign seed 307), once.
    @Test(arguments: Backend.all) func aStorageMessageNotSentBeforeAKillIsSentAfterTheRestart(_ backend: Backend)
        async throws
    {
        try await withReceiver { port, inbox in
            let (h, token) = try await Self.webhookHarness(backend, port: port)
            try await h.test { client in
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            }
            await h.collector.notifications.tick()
            let full = Event(
                device: "pi-1", at: h.clock.now(), bootID: "b1", payload: .storage(state: .full, path: "/var/lib/dt"))
            _ = try await h.collector.ingest.events(EventBatch(events: [full]), token: token)
            let storage = { await inbox.requests.filter { $0.body.contains("\"event\":\"storage\"") }.count }
            try await Self.settle(h.collector.notifications.notifier!)
            #expect(await storage() == 0) // killed before the tick that sends it
            await h.collector.leadership.release()
            let h2 = try await h.restarted(after: 1)
            await h2.collector.notifications.tick()
            await h2.collector.notifications.tick()
            try await Self.settle(h2.collector.notifications.notifier!)
            #expect(await storage() == 1)
            let told = await inbox.requests.first { $0.body.contains("\"event\":\"storage\"") }
            #expect(told?.body.contains("/var/lib/dt") == true)
            await h2.collector.leadership.release()
            let h3 = try await h2.restarted(after: 1)
            await h3.collector.notifications.tick()
            await h3.collector.notifications.tick()
            try await Self.settle(h3.collector.notifications.notifier!)
            #expect(await storage() == 1)
        }
    }

    /// A storage event of a member of an incident whose message waits is told at once and leaves the cursor: a kill
    /// before the incident's message tells the incident after the restart, and not the storage problem again
    /// (campaign seed 337: a read-only message told twice).
    @Test(arguments: Backend.all) func aStorageMessageOfAMemberOfAWaitingIncidentIsToldOnceAcrossAKill(
        _ backend: Backend
    ) async throws {
        try await withReceiver { port, inbox in
            let (h, tokens) = try await Self.recordedPowerCut(backend, port: port)
            await h.collector.notifications.tick() // the incident's message waits 5 s
            let readOnly = Event(
                device: "a-pi", at: h.clock.now(), bootID: "b1",
                payload: .storage(state: .readOnly, path: "/var/lib/dt"))
            _ = try await h.collector.ingest.events(EventBatch(events: [readOnly]), token: tokens["a-pi"])
            await h.collector.notifications.tick()
            let count = { (kind: String) in
                await inbox.requests.filter { $0.body.contains("\"event\":\"\(kind)\"") }.count
            }
            try await Self.settle(h.collector.notifications.notifier!)
            #expect(await count("storage") == 1)
            #expect(await count("incident") == 0)
            let h2 = try await Self.killedAndRestarted(h, advance: 6)
            #expect(await count("incident") == 1)
            #expect(await count("storage") == 1)
            await h2.collector.leadership.release()
        }
    }

    /// Issue #30: a service check's failing message waits `settle`; a collector killed meanwhile tells it after its
    /// restart (the cursor stayed before the check's row), once: a later restart does not tell it again.
    @Test(arguments: Backend.all) func aCheckMessageHeldWhenTheCollectorIsKilledIsToldAfterItsRestart(
        _ backend: Backend
    ) async throws {
        try await withReceiver { port, inbox in
            let (h, token) = try await Self.webhookHarness(backend, port: port)
            @Sendable func beat(_ seq: Int, _ state: CheckState) throws -> String {
                let result = CheckResult(name: "ftl", state: state, detail: "exit 3", since: h.clock.now())
                let digest = String(
                    decoding: try WireCoding.encode(CheckDigest(of: [result], full: true)), as: UTF8.self)
                return heartbeatJSON("pi-1", seq: seq)
                    .replacingOccurrences(of: "\"seq\":\(seq),", with: "\"seq\":\(seq),\"checks\":\(digest),")
            }
            try await h.test { client in
                let first = try beat(1, .ok)
                #expect(try await client.post("/api/v1/heartbeat", first, token: token).0 == .ok)
                await h.collector.notifications.tick()
                h.clock.advance(10)
                let second = try beat(2, .failing)
                #expect(try await client.post("/api/v1/heartbeat", second, token: token).0 == .ok)
            }
            await h.collector.notifications.tick() // held: 5 s of settle
            let failing = { await inbox.requests.filter { $0.body.contains("\"event\":\"check_failing\"") }.count }
            try await Self.settle(h.collector.notifications.notifier!)
            #expect(await failing() == 0)
            let h2 = try await Self.killedAndRestarted(h, advance: 6)
            #expect(await failing() == 1)
            let told = await inbox.requests.first { $0.body.contains("\"event\":\"check_failing\"") }
            #expect(told?.body.contains("ftl") == true)
            _ = try await Self.killedAndRestarted(h2, advance: 6)
            #expect(await failing() == 1)
        }
    }

    /// The stored cursor lists the rows still held instead of staying before the oldest: a message told after a
    /// held one is not told again by a restart, and the held one is told once (campaign seed 307: a storage message
    /// and an up message sent twice after a kill while another device's message was held).
    @Test(arguments: Backend.all) func aRestartTellsTheHeldMessageAndNotTheOnesToldAfterIt(_ backend: Backend)
        async throws
    {
        try await withReceiver { port, inbox in
            let (h, token) = try await Self.webhookHarness(backend, port: port)
            let other = try await h.addDevice("pi-2")
            try await h.test { client in
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-2"), token: other)
                await h.collector.notifications.tick()
                h.clock.advance(20)
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
                h.clock.advance(20)
                try await h.collector.sweeper.sweep() // pi-2 down: its message waits for its group
            }
            await h.collector.notifications.tick()
            let full = Event(
                device: "pi-1", at: h.clock.now(), bootID: "b1", payload: .storage(state: .full, path: "/var/lib/dt"))
            _ = try await h.collector.ingest.events(EventBatch(events: [full]), token: token)
            await h.collector.notifications.tick()
            try await Self.settle(h.collector.notifications.notifier!)
            let count = { (kind: String) in
                await inbox.requests.filter { $0.body.contains("\"event\":\"\(kind)\"") }.count
            }
            #expect(await count("storage") == 1)
            #expect(await count("down") == 0)
            _ = try await Self.killedAndRestarted(h, advance: 30)
            #expect(await count("storage") == 1)
            #expect(await count("down") == 1)
        }
    }

    /// `h` killed (its lock released, as a dead process's is) and started again a second later: ticked, `advance`
    /// seconds on, ticked again, its deliveries settled.
    static func killedAndRestarted(_ h: Harness, advance: TimeInterval) async throws -> Harness {
        await h.collector.leadership.release()
        let again = try await h.restarted(after: 1)
        await again.collector.notifications.tick()
        again.clock.advance(advance)
        await again.collector.notifications.tick()
        try await settle(again.collector.notifications.notifier!)
        return again
    }

    /// A collector (webhook to `port`, settle 5 s) with a-pi, b-pi and nas at "house", where a-pi and b-pi reported a
    /// power loss ten minutes long: the incident is recorded, its message not told yet.
    static func recordedPowerCut(_ backend: Backend, port: Int) async throws -> (Harness, [String: String]) {
        var config = CollectorConfig()
        config.notifiers = [try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")]
        config.notifySettle = 5
        config.site = "house"
        let h = try await Harness.make(backend, config: config)
        let tokens = try await IncidentRecordingTests.fleet(h, ["a-pi": "house", "b-pi": "house", "nas": "house"])
        await h.collector.notifications.tick()
        h.clock.advance(3600)
        let cut = h.clock.now()
        h.clock.advance(600)
        for name in ["a-pi", "b-pi"] {
            let report = IncidentRecordingTests.powerLoss(name, start: cut, end: h.clock.now())
            _ = try await h.collector.ingest.events(EventBatch(events: [report]), token: tokens[name])
        }
        #expect(try await h.collector.sweeper.recordIncidents().new.count == 1)
        return (h, tokens)
    }

    /// A collector whose one channel is a webhook to the receiver on `port` (settle 5 s), with device pi-1 added.
    static func webhookHarness(_ backend: Backend, port: Int) async throws -> (Harness, String) {
        var config = CollectorConfig()
        config.notifiers = [try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")]
        config.notifySettle = 5
        let h = try await Harness.make(backend, config: config)
        return (h, try await h.addDevice("pi-1"))
    }

    /// pi-1 beats (its `new` goes out), then stays silent 40 s and is swept down.
    static func beatThenDown(_ h: Harness, _ client: any TestClientProtocol, token: String) async throws {
        try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
        await h.collector.notifications.tick()
        h.clock.advance(40)
        try await h.collector.sweeper.sweep()
    }

    /// Waits (bounded) until the notifier has no delivery in flight.
    static func settle(_ n: Notifier) async throws {
        for _ in 0..<200 where await n.pending > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(await n.pending == 0)
    }
}
