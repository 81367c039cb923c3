import CollectorRules
import DowntimeProtocol
import Foundation
import Testing

@Suite struct CheckStatesTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)
    var results: [CheckResult] {
        [
            CheckResult(name: "ha", state: .failing, detail: "HTTP 502", since: t0),
            CheckResult(name: "ssh", state: .ok, detail: "", since: t0 - 600),
        ]
    }

    @Test func aDigestAloneKeepsTheResultsItFollows() {
        let full = CheckDigest(of: results, full: true)
        let digestOnly = CheckDigest(of: results, full: false)
        #expect(CheckStates.merged(digestOnly, previous: full) == full)
        #expect(CheckStates.merged(full, previous: nil) == full)
        #expect(CheckStates.merged(nil, previous: full) == nil)
        #expect(CheckStates.merged(digestOnly, previous: nil)?.results == nil)
    }

    /// Up or late: the agent's states. Any other status: unknown since the device's status changed.
    @Test(arguments: DeviceStatus.allCases)
    func unknownWhileTheDeviceIsNotUp(status: DeviceStatus) {
        let since = t0 + 3_600
        let shown = CheckStates.shown(CheckDigest(of: results, full: true), device: status, since: since)
        if status == .up || status == .late {
            #expect(shown == results)
            #expect(CheckStates.failing(CheckDigest(of: results, full: true), device: status) == 1)
        } else {
            #expect(shown.map(\.state) == [.unknown, .unknown])
            #expect(shown.allSatisfy { $0.since == since && $0.detail == "the device is \(status.rawValue)" })
            #expect(CheckStates.failing(CheckDigest(of: results, full: true), device: status) == 0)
        }
        #expect(CheckStates.shown(nil, device: status, since: since).isEmpty)
    }
}
