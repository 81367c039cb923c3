import Foundation
import Testing

@testable import DowntimeProtocol

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(WireValidationError) -> T {
    try WireCoding.decode(T.self, from: Array(json.utf8))
}

private func field<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
    do {
        _ = try decode(T.self, json)
        return nil
    } catch {
        return error.field
    }
}

private let beat = """
    {"device":"pi-1","seq":7,"boot_id":"0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b","uptime_s":12.5,
    "sent_at":"2026-11-22T08:00:00Z","clock_synced":true,"interval_s":10,"agent_version":"0.1.0"}
    """

@Suite struct WireTypesTests {
    @Test func heartbeatRoundTrips() throws {
        let hb = try decode(Heartbeat.self, beat)
        #expect(hb.device == "pi-1" && hb.seq == 7 && hb.intervalS == 10 && hb.clockSynced)
        let again = try decode(Heartbeat.self, String(decoding: try WireCoding.encode(hb), as: UTF8.self))
        #expect(again == hb)
    }

    @Test(arguments: [0.0, 1_764_576_000.0, 1_764_576_000.123, 1_764_576_000.9996, 4_102_444_799.5])
    func heartbeatReplyBytesAreTheEncodersBytes(seconds: Double) throws {
        for interval in [1, 10, 86_400] {
            let reply = HeartbeatReply(serverTime: Date(timeIntervalSince1970: seconds), intervalS: interval)
            #expect(reply.wireBytes == (try WireCoding.encode(reply)))
        }
    }

    @Test func heartbeatUsesSnakeCaseKeys() throws {
        let hb = try decode(Heartbeat.self, beat)
        let text = String(decoding: try WireCoding.encode(hb), as: UTF8.self)
        for key in [
            "\"boot_id\"", "\"uptime_s\"", "\"sent_at\"", "\"clock_synced\"", "\"interval_s\"", "\"agent_version\"",
        ] {
            #expect(text.contains(key))
        }
        #expect(text.contains("\"2026-11-22T08:00:00.000Z\""))
    }

    @Test(arguments: [
        ("\"device\":\"pi-1\"", "\"device\":\"../etc\"", "device"),
        ("\"device\":\"pi-1\"", "\"device\":7", "device"),
        ("\"seq\":7", "\"seq\":-1", "seq"),
        ("\"seq\":7", "\"seq\":1.5", "seq"),
        ("\"uptime_s\":12.5", "\"uptime_s\":-3", "uptime_s"),
        ("\"interval_s\":10", "\"interval_s\":-10", "interval_s"),
        ("\"interval_s\":10", "\"interval_s\":0", "interval_s"),
        ("\"sent_at\":\"2026-11-22T08:00:00Z\"", "\"sent_at\":\"1970-01-01T00:00:00Z\"", "sent_at"),
        ("\"sent_at\":\"2026-11-22T08:00:00Z\"", "\"sent_at\":\"9999-01-01T00:00:00Z\"", "sent_at"),
        ("\"sent_at\":\"2026-11-22T08:00:00Z\"", "\"sent_at\":\"yesterday\"", "sent_at"),
        ("\"clock_synced\":true", "\"clock_synced\":\"yes\"", "clock_synced"),
        ("\"boot_id\":\"0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b\"", "\"boot_id\":\"<b>\"", "boot_id"),
        ("\"agent_version\":\"0.1.0\"", "\"agent_version\":\"\"", "agent_version"),
        ("\"seq\":7,", "\"seq\":7,\"extra\":1,", "extra"),
        ("\"seq\":7,", "", "seq"),
    ])
    func heartbeatRefusesBadValues(original: String, replacement: String, expectedField: String) {
        #expect(beat.contains(original))
        #expect(field(Heartbeat.self, beat.replacingOccurrences(of: original, with: replacement)) == expectedField)
    }

    /// The optional `storage` field: absent on a healthy agent (so older collectors see the same bytes), strict when present.
    @Test func heartbeatStorageFieldIsOptionalAndStrict() throws {
        let plain = try decode(Heartbeat.self, beat)
        #expect(plain.storage == nil)
        #expect(!String(decoding: try WireCoding.encode(plain), as: UTF8.self).contains("storage"))
        let withStorage = beat.replacingOccurrences(
            of: "\"seq\":7,",
            with: """
                "seq":7,"storage":{"state":"read_only","path":"/var/lib/downtime-agent","since":"2026-11-22T07:02:00Z",\
                "unsaved_events":2,"error":"Read-only file system"},
                """)
        let hb = try decode(Heartbeat.self, withStorage)
        #expect(
            hb.storage
                == StorageWarning(
                    state: .readOnly, path: "/var/lib/downtime-agent",
                    since: WireTime.parse("2026-11-22T07:02:00Z")!, unsavedEvents: 2,
                    error: "Read-only file system"))
        #expect(try decode(Heartbeat.self, String(decoding: try WireCoding.encode(hb), as: UTF8.self)) == hb)
        let bad: [(String, String, String)] = [
            ("\"state\":\"read_only\"", "\"state\":\"ok\"", "storage.state"),
            ("\"state\":\"read_only\"", "\"state\":\"melted\"", "storage.state"),
            ("\"path\":\"/var/lib/downtime-agent\"", "\"path\":\"\"", "storage.path"),
            ("\"unsaved_events\":2", "\"unsaved_events\":-1", "storage.unsaved_events"),
            ("\"unsaved_events\":2,", "", "storage.unsaved_events"),
            ("\"since\":\"2026-11-22T07:02:00Z\",", "", "storage.since"),
            ("\"error\":\"Read-only file system\"", "\"error\":\"x\",\"extra\":1", "storage.extra"),
            ("\"error\":\"Read-only file system\"", "\"error\":null", "storage.error"),
        ]
        for (original, replacement, expected) in bad {
            #expect(withStorage.contains(original))
            #expect(
                field(Heartbeat.self, withStorage.replacingOccurrences(of: original, with: replacement)) == expected)
        }
        #expect(
            field(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7,", with: "\"seq\":7,\"storage\":\"full\","))
                == "storage")
        #expect(
            field(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7,", with: "\"seq\":7,\"storage\":null,"))
                == "storage")
    }

    @Test func malformedJSONIsRefused() {
        #expect(field(Heartbeat.self, "{") == "")
        #expect(field(Heartbeat.self, "[]") == "")
        #expect(field(Heartbeat.self, "") == "")
    }

    @Test func everyEventKindRoundTrips() throws {
        let t = Date(timeIntervalSince1970: 1_795_335_123)
        let payloads: [Event.Payload] = [
            .agentStarted(agentVersion: "0.1.0"),
            .outage(
                OutageReport(cause: .powerLoss, start: t, end: t + 60, durationS: 60, precisionS: 60, clockSynced: true)
            ),
            .outage(
                OutageReport(
                    cause: .unknown, start: nil, end: nil, durationS: nil, precisionS: 0, clockSynced: false,
                    uptimeS: 30)),
            .collectorUnreachable(start: t, end: t + 5),
            .clockJump(deltaS: -3600),
            .shutdown,
            .outboxDropped(count: 3, kinds: ["clock_jump"]),
            .storage(state: .readOnly, path: "/var/lib/downtime-agent"),
            .storage(state: .ok, path: "/var/lib/downtime-agent"),
            .flip(FlipRecord(from: .up, to: .down, reason: "no heartbeat for 35 s")),
            .collectorDown(start: t, end: t + 100),
            .powerWarning(state: .cleared, warnings: "under-voltage, throttled"),
            .check(CheckFlipRecord(name: "ha", from: .ok, to: .failing, detail: "HTTP 502")),
            .check(CheckFlipRecord(name: "ssh", from: nil, to: .ok, detail: "")),
            .outage(
                OutageReport(
                    cause: .powerLoss, start: t, end: t + 60, durationS: 60, precisionS: 60, clockSynced: true,
                    underVoltageSeen: t - 40, throttledSeen: t - 2)),
            .maintenanceStart(MaintenanceAnnouncement(start: t, end: t + 1_800, untilBack: true, reason: "upgrade")),
            .maintenanceStart(MaintenanceAnnouncement(start: t, end: t + 60)),
            .maintenanceEnd(back: false),
            .maintenanceEnd(back: true),
            .jobStart(JobStart(name: "backup", rid: "r-1")),
            .jobEnd(
                JobEnd(
                    name: "backup", rid: "r-1", exitCode: 0, durationS: 12.5, output: "done\n", outputDropped: 3,
                    reason: "")),
            .jobEnd(JobEnd(name: "backup", rid: "r-2", exitCode: nil, signal: 15, durationS: 1, reason: "killed")),
            .jobFlip(JobFlipRecord(name: "backup", from: .running, to: .failed, reason: "exit 1", rid: "r-1")),
            .jobFlip(JobFlipRecord(name: "backup", from: .new, to: .late, reason: "")),
            .ack(by: "via link", since: t - 600),
        ]
        #expect(Set(payloads.map(\.kind)) == Set(Event.Kind.allCases))
        for payload in payloads {
            let event = Event(
                device: "pi-1", at: t, bootID: payload.kind.isDeviceReported ? "abc-123" : nil, payload: payload)
            let bytes = try WireCoding.encode(EventBatch(events: [event]))
            let back = try WireCoding.decode(EventBatch.self, from: bytes)
            #expect(back.events == [event])
        }
        // The collector's own records: no agent may post them.
        #expect(!Event.Kind.jobFlip.isDeviceReported && !Event.Kind.ack.isDeviceReported)
    }

    /// A flip's statuses are typed, but the JSON spells them as before; a status no `DeviceStatus` spells
    /// (in an old or hand-edited row) reads as `late`, the one status never recorded, and shapes nothing.
    @Test func flipStatusesKeepTheirSpellingAndAnUnknownOneReadsAsLate() throws {
        // Keys sorted, as the encoder writes them.
        let flip =
            #"{"at":"2026-11-22T08:00:00.000Z","device":"pi-1","from":"new","#
            + #""id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","kind":"flip","reason":"first heartbeat","to":"up"}"#
        let event = try decode(Event.self, flip)
        #expect(event.payload == .flip(FlipRecord(from: .new, to: .up, reason: "first heartbeat")))
        #expect(String(decoding: try WireCoding.encode(event), as: UTF8.self) == flip)
        for status in DeviceStatus.allCases {
            let text = flip.replacingOccurrences(of: #""to":"up""#, with: #""to":"\#(status.rawValue)""#)
            #expect(
                try decode(Event.self, text).payload
                    == .flip(FlipRecord(from: .new, to: status, reason: "first heartbeat")))
        }
        let odd = try decode(Event.self, flip.replacingOccurrences(of: #""from":"new""#, with: #""from":"asleep""#))
        #expect(odd.payload == .flip(FlipRecord(from: .late, to: .up, reason: "first heartbeat")))
        #expect(FlipRecord.status("DOWN") == .late && FlipRecord.status("down") == .down)
    }

    private static let outage = """
        {"events":[{"id":"6F9619FF-8B86-D011-B42D-00C04FC964FF","device":"pi-1","kind":"outage","at":"2026-11-22T08:00:00Z",
        "boot_id":"ab","cause":"power_loss","start":"2026-11-22T07:00:00Z","end":"2026-11-22T07:59:00Z",
        "duration_s":3540,"precision_s":60,"clock_synced":true}]}
        """

    @Test(arguments: [
        ("\"cause\":\"power_loss\"", "\"cause\":\"gremlins\"", "events[0].cause"),
        ("\"kind\":\"outage\"", "\"kind\":\"party\"", "events[0].kind"),
        (
            "\"kind\":\"outage\"", "\"kind\":\"flip\",\"from\":\"up\",\"to\":\"down\",\"reason\":\"x\"",
            "events[0].cause"
        ),
        ("\"end\":\"2026-11-22T07:59:00Z\"", "\"end\":\"2026-11-22T06:59:00Z\"", "events[0].end"),
        ("\"start\":\"2026-11-22T07:00:00Z\",", "", "events[0].start"),
        ("\"end\":\"2026-11-22T07:59:00Z\",", "", "events[0].end"),
        ("\"duration_s\":3540", "\"duration_s\":-1", "events[0].duration_s"),
        ("\"id\":\"6F9619FF-8B86-D011-B42D-00C04FC964FF\"", "\"id\":\"not-a-uuid\"", "events[0].id"),
        ("\"boot_id\":\"ab\",", "", "events[0].boot_id"),
        ("\"clock_synced\":true", "\"clock_synced\":true,\"delta_s\":4", "events[0].delta_s"),
    ])
    func eventsRefuseBadValues(original: String, replacement: String, expectedField: String) {
        #expect(Self.outage.contains(original))
        #expect(
            field(EventBatch.self, Self.outage.replacingOccurrences(of: original, with: replacement)) == expectedField)
    }

    @Test func validOutageDecodes() throws {
        let batch = try decode(EventBatch.self, Self.outage)
        guard case .outage(let o) = batch.events[0].payload else {
            Issue.record("not an outage")
            return
        }
        #expect(o.cause == .powerLoss && o.durationS == 3540)
    }

    @Test func emptyAndHugeBatchesAreRefused() throws {
        #expect(field(EventBatch.self, "{\"events\":[]}") == "events")
        let t = Date(timeIntervalSince1970: 1_795_335_123)
        let many = (0...EventBatch.maxEvents).map { _ in Event(device: "a", at: t, bootID: "ab", payload: .shutdown) }
        let bytes = try WireCoding.encode(EventBatch(events: many))
        #expect(throws: WireValidationError.self) { try WireCoding.decode(EventBatch.self, from: bytes) }
    }

    @Test func enrollDecodesAndLowercases() throws {
        let e = try decode(EnrollRequest.self, "{\"device\":\"Pi-7\",\"enrollment_key\":\"s3cret\"}")
        #expect(e.device == "pi-7")
        #expect(field(EnrollRequest.self, "{\"device\":\"pi-7\"}") == "enrollment_key")
    }
}

/// Edges the collector's OpenAPI description promises and schemathesis probed.
@Suite struct WireLimitsTests {
    @Test func integersAreReadExactlyNotThroughADouble() throws {
        // 2^53 + 1 rounds to 2^53 as a Double, which is in range: it must still be refused.
        #expect(
            field(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7", with: "\"seq\":9007199254740993")) == "seq"
        )
        #expect(
            try decode(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7", with: "\"seq\":9007199254740992")).seq
                == 1 << 53)
        #expect(try decode(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7", with: "\"seq\":7.0")).seq == 7)
        #expect(field(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7", with: "\"seq\":7.5")) == "seq")
        #expect(field(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7", with: "\"seq\":-1")) == "seq")
        #expect(
            field(Heartbeat.self, beat.replacingOccurrences(of: "\"seq\":7", with: "\"seq\":99999999999999999999"))
                == "seq")
    }

    @Test func textLimitsCountCharactersNotBytes() throws {
        let wide = String(repeating: "é", count: 64) // 128 UTF-8 bytes, 64 characters
        let hb = try decode(Heartbeat.self, beat.replacingOccurrences(of: "\"0.1.0\"", with: "\"\(wide)\""))
        #expect(hb.agentVersion == wide)
        let over = String(repeating: "é", count: 65)
        #expect(
            field(Heartbeat.self, beat.replacingOccurrences(of: "\"0.1.0\"", with: "\"\(over)\"")) == "agent_version")
    }
}

@Suite struct PowerWarningStateTests {
    static let on = DeviceHealth(underVoltageNow: true, underVoltageSinceBoot: true, throttledNow: false)
    static let both = DeviceHealth(underVoltageNow: true, throttledNow: true)
    static let off = DeviceHealth(underVoltageNow: false, underVoltageSinceBoot: true, throttledNow: false)
    static let thermometer = DeviceHealth(tempC: 40)

    static let cases: [(DeviceHealth?, DeviceHealth?, String?)] = [
        (nil, on, "appeared under-voltage"),
        (off, on, "appeared under-voltage"),
        (off, both, "appeared under-voltage, throttled"),
        (on, off, "cleared under-voltage"),
        (both, off, "cleared under-voltage, throttled"),
        (on, both, nil), // still warning: no new event
        (on, on, nil),
        (off, off, nil),
        (on, nil, nil), // a beat without health: unknown, not cleared
        (on, thermometer, nil),
        (nil, off, nil),
    ]

    @Test(arguments: cases)
    func changes(old: DeviceHealth?, new: DeviceHealth?, expected: String?) {
        let c = PowerWarningState.change(from: old, to: new)
        #expect(c.map { "\($0.state.rawValue) \($0.words)" } == expected)
    }

    @Test func theEventRoundTripsAndAgentsCannotPostIt() throws {
        let e = Event(
            device: "pi-1", at: Date(timeIntervalSince1970: 1_795_335_000), bootID: "ab-12",
            payload: .powerWarning(state: .appeared, warnings: "under-voltage"))
        #expect(try WireCoding.decode(Event.self, from: try WireCoding.encode(e)) == e)
        #expect(!Event.Kind.powerWarning.isDeviceReported)
    }
}

/// Issue #17 on the wire: the new status and fields, and an older collector's answers still read.
@Suite struct DependencyWireTests {
    @Test func unreachableIsAStatusRankedAfterDownAndLate() throws {
        #expect(try decode(DeviceStatus.self, "\"unreachable\"") == .unreachable)
        #expect(DeviceStatus.allCases.sorted() == [.down, .late, .unreachable, .new, .up, .paused])
        var counts = StatusCounts()
        counts.add(.unreachable)
        #expect(counts.unreachable == 1 && counts.total == 1 && counts[.unreachable] == 1)
        let json = String(decoding: try WireCoding.encode(counts), as: UTF8.self)
        #expect(json.contains("\"unreachable\":1"))
    }

    @Test func anOlderCollectorsCountsAndDevicesStillRead() throws {
        let counts = try decode(StatusCounts.self, #"{"down":1,"late":0,"new":0,"up":2,"paused":0}"#)
        #expect(counts == StatusCounts(down: 1, up: 2))
        let view = DeviceView(
            name: "pi-1", status: .unreachable, lastSeen: nil, intervalS: 10, agentVersion: nil, bootID: nil,
            clockSkewS: nil, clockSynced: nil, uptimeS: nil, currentOutage: nil, lastOutage: nil,
            uptime: UptimeView(day: nil, week: nil, month: nil), tags: [], dependsOn: "router")
        let text = String(decoding: try WireCoding.encode(view), as: UTF8.self)
        #expect(text.contains("\"depends_on\":\"router\"") && text.contains("\"status\":\"unreachable\""))
        let older = text.replacingOccurrences(of: ",\"depends_on\":\"router\"", with: "")
        #expect(try decode(DeviceView.self, older).dependsOn == nil)
    }
}
