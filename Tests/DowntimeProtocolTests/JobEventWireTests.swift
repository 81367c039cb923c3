import Foundation
import Testing

@testable import DowntimeProtocol

/// `job_start` and `job_end` on the wire: round trips, each bad field named, and the output's tail.
@Suite struct JobEventWireTests {
    static let end = """
        {"id":"6f1c1a52-8a43-4a4e-9d59-2b7e0d6c1f01","device":"pi-1","kind":"job_end",
        "at":"2026-12-07T03:10:00Z","boot_id":"b-1","name":"backup","rid":"r-1","exit_code":1,
        "duration_s":600.5,"output":"line 1\\nrsync: error\\n","output_dropped":12000,"reason":"x"}
        """

    func field(_ json: String) -> String? {
        do {
            _ = try WireCoding.decode(Event.self, from: Array(json.utf8))
            return nil
        } catch {
            return error.field
        }
    }

    @Test func startAndEndRoundTrip() throws {
        let event = try WireCoding.decode(Event.self, from: Array(Self.end.utf8))
        guard case .jobEnd(let j) = event.payload else {
            Issue.record("\(event.payload)")
            return
        }
        #expect(j.exitCode == 1 && j.signal == nil && !j.succeeded && j.durationS == 600.5)
        #expect(j.output == "line 1\nrsync: error\n" && j.outputDropped == 12_000 && j.reason == "x")
        #expect(try WireCoding.decode(Event.self, from: try WireCoding.encode(event)) == event)
        // A run pinged with curl has no boot id, and may say nothing but its end.
        let pinged = Event(
            device: "nas", at: event.at, bootID: nil,
            payload: .jobEnd(JobEnd(name: "backup", rid: "r-2", exitCode: nil, durationS: nil)))
        let text = String(decoding: try WireCoding.encode(pinged), as: UTF8.self)
        #expect(!text.contains("exit_code") && !text.contains("output") && !text.contains("boot_id"))
        #expect(try WireCoding.decode(Event.self, from: Array(text.utf8)) == pinged)
        let start = Event(
            device: "pi-1", at: event.at, bootID: "b-1", payload: .jobStart(JobStart(name: "a", rid: "1")))
        #expect(try WireCoding.decode(Event.self, from: try WireCoding.encode(start)) == start)
        let killed = JobEnd(name: "a", rid: "1", exitCode: nil, signal: 9, durationS: 1)
        #expect(!killed.succeeded && JobEnd(name: "a", rid: "1", exitCode: 0, durationS: 1).succeeded)
    }

    @Test(arguments: [
        ("\"exit_code\":1", "\"exit_code\":256", "exit_code"),
        ("\"exit_code\":1", "\"exit_code\":-1", "exit_code"),
        ("\"exit_code\":1", "\"exit_code\":1,\"signal\":0", "signal"),
        ("\"duration_s\":600.5", "\"duration_s\":-1", "duration_s"),
        ("\"name\":\"backup\"", "\"name\":\"no spaces\"", "name"),
        ("\"rid\":\"r-1\",", "", "rid"),
        ("\"rid\":\"r-1\"", "\"rid\":\"\"", "rid"),
        ("\"output_dropped\":12000", "\"output_dropped\":-5", "output_dropped"),
        ("\"reason\":\"x\"", "\"reason\":\"a\\u0007b\"", "reason"),
        ("\"reason\":\"x\"", "\"reason\":\"x\",\"cause\":\"reboot\"", "cause"),
    ])
    func badFieldsAreNamed(_ original: String, _ replacement: String, _ expected: String) {
        #expect(Self.end.contains(original))
        #expect(field(Self.end.replacingOccurrences(of: original, with: replacement)) == expected)
    }

    @Test func outputOverTheCapIsRefused() {
        let long = String(repeating: "a", count: JobEnd.maxOutput + 1)
        #expect(field(Self.end.replacingOccurrences(of: "line 1", with: long)) == "output")
    }

    @Test func theTailKeepsTheLastBytesAndCountsTheRest() {
        let short = JobEnd.tail(of: Array("hello".utf8))
        #expect(short.output == "hello" && short.dropped == 0)
        let long = Array(repeating: UInt8(ascii: "x"), count: 10_000) + Array("END".utf8)
        let cut = JobEnd.tail(of: long)
        #expect(cut.output.utf8.count == JobEnd.maxOutput && cut.output.hasSuffix("END"))
        #expect(cut.dropped == long.count - JobEnd.maxOutput)
        // A cut inside a two-byte character begins after it, not with half of it.
        let accents = Array(String(repeating: "é", count: 3_000).utf8)
        let text = JobEnd.tail(of: accents)
        #expect(text.output.allSatisfy { $0 == "é" } && text.output.utf8.count <= JobEnd.maxOutput)
        #expect(text.dropped + text.output.utf8.count == accents.count)
        // Invalid bytes are replaced, and the result still fits.
        let junk = JobEnd.tail(of: Array(repeating: 0xFF, count: 5_000))
        #expect(junk.output.utf8.count <= JobEnd.maxOutput && junk.output.first == "\u{FFFD}")
    }
}
