import DowntimeProtocol
import Foundation
import Testing

/// The heartbeat's `checks` field: strict when present; a beat without it (an older agent) is what it was.
@Suite struct CheckDigestTests {
    static let base = """
        {"device":"pi","seq":1,"boot_id":"0b5d7a3e","uptime_s":100,"sent_at":"2026-11-22T08:00:00Z",\
        "clock_synced":true,"interval_s":10,"agent_version":"0.1.0"
        """

    static func beat(_ checks: String?) -> [UInt8] {
        Array((base + (checks.map { ",\"checks\":" + $0 } ?? "") + "}").utf8)
    }

    static let results = [
        CheckResult(name: "ha", state: .failing, detail: "HTTP 502", since: Date(timeIntervalSince1970: 1_795_335_000)),
        CheckResult(name: "ssh", state: .ok, detail: "", since: Date(timeIntervalSince1970: 1_795_334_000)),
    ]

    @Test func aBeatWithoutChecksIsAsBefore() throws {
        let beat = try WireCoding.decode(Heartbeat.self, from: Self.beat(nil))
        #expect(beat.checks == nil)
        #expect(!String(decoding: try WireCoding.encode(beat), as: UTF8.self).contains("checks"))
    }

    @Test func fullAndDigestOnlyRoundTrip() throws {
        for full in [true, false] {
            let digest = CheckDigest(of: Self.results, full: full)
            #expect(digest.count == 2 && digest.failing == 1 && digest.unknown == 0 && digest.digest.count == 8)
            var beat = try WireCoding.decode(Heartbeat.self, from: Self.beat(nil))
            beat.checks = digest
            let again = try WireCoding.decode(Heartbeat.self, from: try WireCoding.encode(beat))
            #expect(again.checks == digest)
            #expect((again.checks?.results == nil) == !full)
        }
    }

    @Test func theDigestFollowsNamesAndStatesOnly() {
        var other = Self.results
        other[0].detail = "HTTP 503"
        other[0].since += 60
        #expect(CheckDigest.digest(other) == CheckDigest.digest(Self.results))
        other[0].state = .ok
        #expect(CheckDigest.digest(other) != CheckDigest.digest(Self.results))
    }

    /// Each bad field is refused with its path.
    @Test(
        arguments: [
            (#"{"digest":"xyz","count":0,"failing":0,"unknown":0}"#, "checks.digest"),
            (#"{"digest":"00000000","count":-1,"failing":0,"unknown":0}"#, "checks.count"),
            (#"{"digest":"00000000","count":101,"failing":0,"unknown":0}"#, "checks.count"),
            (#"{"digest":"00000000","count":1,"failing":1,"unknown":1}"#, "checks.count"),
            (#"{"digest":"00000000","count":0,"failing":0,"unknown":0,"extra":1}"#, "checks.extra"),
            (#"{"digest":"00000000","count":1,"failing":0,"unknown":0,"results":[]}"#, "checks.results"),
            (
                #"{"digest":"00000000","count":1,"failing":0,"unknown":0,"results":[{"name":"a","state":"ok","detail":"","since":"2026-11-22T08:00:00Z"}]}"#,
                "checks.digest"
            ),
            (
                #"{"digest":"00000000","count":1,"failing":0,"unknown":0,"results":[{"name":"A b","state":"ok","detail":"","since":"2026-11-22T08:00:00Z"}]}"#,
                "checks.results[0].name"
            ),
            (
                #"{"digest":"00000000","count":1,"failing":0,"unknown":0,"results":[{"name":"a","state":"down","detail":"","since":"2026-11-22T08:00:00Z"}]}"#,
                "checks.results[0].state"
            ),
        ])
    func badChecksAreRefusedByField(json: String, field: String) {
        do {
            _ = try WireCoding.decode(Heartbeat.self, from: Self.beat(json))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }
}

/// `notify=no` on the wire: only `false` is sent, so results without it read (and are written) as before.
@Suite struct CheckResultNotifyTests {
    @Test func onlyFalseIsSentAndAbsentIsTrue() throws {
        let since = Date(timeIntervalSince1970: 1_795_335_000)
        let loud = CheckResult(name: "ha", state: .failing, detail: "x", since: since)
        let quiet = CheckResult(name: "backup", state: .failing, detail: "x", since: since, notify: false)
        let loudJSON = String(decoding: try WireCoding.encode(loud), as: UTF8.self)
        let quietJSON = String(decoding: try WireCoding.encode(quiet), as: UTF8.self)
        #expect(!loudJSON.contains("notify") && quietJSON.contains("\"notify\":false"))
        #expect(try WireCoding.decode(CheckResult.self, from: Array(loudJSON.utf8)) == loud)
        #expect(try WireCoding.decode(CheckResult.self, from: Array(quietJSON.utf8)) == quiet)
        let explicit = quietJSON.replacingOccurrences(of: "false", with: "true")
        #expect(try WireCoding.decode(CheckResult.self, from: Array(explicit.utf8)).notify)
        #expect(throws: (any Error).self) {
            try WireCoding.decode(
                CheckResult.self, from: Array(quietJSON.replacingOccurrences(of: "false", with: "1").utf8))
        }
    }

    /// The collector's `check` rows are its own: an agent cannot post one.
    @Test func aCheckRowIsTheCollectorsOwn() throws {
        #expect(!Event.Kind.check.isDeviceReported)
        let e = Event(
            device: "pi-1", at: Date(timeIntervalSince1970: 1_795_335_000), bootID: nil,
            payload: .check(CheckFlipRecord(name: "ha", from: nil, to: .ok, detail: "")))
        let json = String(decoding: try WireCoding.encode(e), as: UTF8.self)
        #expect(!json.contains("\"from\"") && json.contains("\"kind\":\"check\""))
        #expect(try WireCoding.decode(Event.self, from: Array(json.utf8)) == e)
    }
}
