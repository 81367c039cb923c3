import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Curl pings for jobs (issue #31): what the URL says, what is refused, and the event each records.
@Suite struct JobPingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let job = JobSpec(
        name: "backup", device: "nas", schedule: .every(86_400), grace: 60, maxRuntime: nil,
        createdAt: Date(timeIntervalSince1970: 0))

    @Test(
        arguments: [
            (nil, JobPing.end(exitCode: 0)), ("", .end(exitCode: 0)), ("start", .start), ("fail", .end(exitCode: nil)),
            ("0", .end(exitCode: 0)), ("3", .end(exitCode: 3)), ("255", .end(exitCode: 255)),
        ] as [(String?, JobPing)])
    func readsTheAction(action: String?, expected: JobPing) throws {
        #expect(try JobPing.parse(action: action) == expected)
    }

    @Test(arguments: ["256", "-1", "abc", "1e2", "0x1", "3.0", "٣", "Start", "0003"])
    func refusesAnyOtherAction(action: String) {
        #expect(throws: JobPing.Refusal(field: "exit_code", message: "must be start, fail or an exit code 0-255")) {
            try JobPing.parse(action: action)
        }
    }

    @Test func checksTheRID() throws {
        #expect(try JobPing.checkRID(nil) == nil)
        #expect(try JobPing.checkRID("run-1.a_b:2") == "run-1.a_b:2")
        for bad in ["", "a b", String(repeating: "x", count: 65), "é", "a/b"] {
            #expect(throws: JobPing.Refusal.self) { try JobPing.checkRID(bad) }
        }
    }

    func end(_ e: Event) -> JobEnd? {
        if case .jobEnd(let end) = e.payload { end } else { nil }
    }

    @Test func aStartWithoutRIDTakesANewOneAndTheNextEndPairsWithIt() {
        let start = JobPing.start.event(job: job, rid: nil, output: [], runs: [], now: now, newRID: "p1")
        #expect(start.payload == .jobStart(JobStart(name: "backup", rid: "p1")))
        #expect(start.device == "nas" && start.bootID == nil && start.at == now)
        let runs = JobRun.pair([start])
        let e = JobPing.end(exitCode: 3).event(
            job: job, rid: nil, output: Array("disk full\n".utf8), runs: runs, now: now + 90, newRID: "p2")
        #expect(end(e) == JobEnd(name: "backup", rid: "p1", exitCode: 3, durationS: 90, output: "disk full\n"))
    }

    @Test func anEndWithoutAnOpenRunHasAnUnknownStart() {
        let e = JobPing.end(exitCode: nil).event(job: job, rid: nil, output: [], runs: [], now: now, newRID: "p9")
        #expect(end(e) == JobEnd(name: "backup", rid: "p9", exitCode: nil, durationS: nil))
    }

    @Test func aRIDPairsItsOwnRunAndTheOutputIsCut() {
        let runs = JobRun.pair([
            JobPing.start.event(job: job, rid: "a", output: [], runs: [], now: now, newRID: "x"),
            JobPing.start.event(job: job, rid: "b", output: [], runs: [], now: now + 10, newRID: "x"),
        ])
        let body = [UInt8](repeating: 65, count: 5000)
        let e = JobPing.end(exitCode: 0).event(job: job, rid: "a", output: body, runs: runs, now: now + 30, newRID: "x")
        #expect(end(e)?.rid == "a" && end(e)?.durationS == 30)
        #expect(end(e)?.output.utf8.count == JobEnd.maxOutput && end(e)?.outputDropped == 5000 - JobEnd.maxOutput)
    }
}
