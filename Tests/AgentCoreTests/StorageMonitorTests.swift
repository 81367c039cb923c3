import DowntimeProtocol
import Foundation
import Glibc
import Testing

@testable import AgentCore

@Suite struct StorageMonitorTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_123)

    @Test(arguments: [
        (EROFS, StorageState.readOnly), (EACCES, .readOnly), (EPERM, .readOnly),
        (ENOSPC, .full), (EDQUOT, .full),
        (EIO, .ioError), (EBADMSG, .ioError), (ENOENT, .ioError),
    ])
    func errnoNamesTheState(code: Int32, state: StorageState) {
        #expect(StorageMonitor.state(of: code) == state)
    }

    /// Each step: a write outcome (nil = success) at monotonic `at`; what changes, whether a retry is due after.
    struct Step: Sendable {
        var at: Double
        var error: Int32?
        var change: String?
        var dueAt: [Double: Bool]
    }

    @Test func aFailingFolderIsReportedOnceRetriedEveryIntervalAndClearedOnce() {
        var m = StorageMonitor(path: "/var/lib/downtime-agent", retryInterval: 60)
        let steps: [Step] = [
            Step(at: 0, error: nil, change: nil, dueAt: [0: false, 1_000: false]), // healthy: no retries at all
            Step(at: 10, error: EROFS, change: "failed read_only", dueAt: [69: false, 70: true]),
            Step(at: 70, error: EROFS, change: nil, dueAt: [129: false, 130: true]), // same problem: told once
            Step(at: 130, error: ENOSPC, change: "failed full", dueAt: [189: false, 190: true]), // another problem
            Step(at: 190, error: nil, change: "cleared full", dueAt: [190: false, 10_000: false]),
            Step(at: 200, error: nil, change: nil, dueAt: [10_000: false]), // already healthy
            Step(at: 300, error: EIO, change: "failed io_error", dueAt: [359: false, 360: true]),
        ]
        for step in steps {
            let change: StorageMonitor.Change?
            if let code = step.error {
                change = m.failed(
                    FileError("create", "/var/lib/downtime-agent/state.json.tmp", code: code),
                    wall: Self.t0 + step.at, monotonic: step.at)
            } else {
                change = m.succeeded()
            }
            let text: String? =
                switch change {
                case .failed(let p): "failed \(p.state.rawValue)"
                case .cleared(let p): "cleared \(p.state.rawValue)"
                case nil: nil
                }
            #expect(text == step.change, "at \(step.at)")
            for (at, due) in step.dueAt { #expect(m.retryDue(monotonic: at) == due, "at \(step.at), asked at \(at)") }
        }
    }

    @Test func theWarningNamesTheFolderTheProblemAndWhatIsInMemory() throws {
        var m = StorageMonitor(path: "/state", retryInterval: 60)
        #expect(m.warning(unsavedEvents: 3, wall: Self.t0, monotonic: 5) == nil)
        let failed = m.failed(FileError("create", "/state/state.json.tmp", code: EROFS), wall: Self.t0, monotonic: 5)
        let change = try #require(failed)
        #expect(
            m.warning(unsavedEvents: 3, wall: Self.t0 + 10, monotonic: 15)
                == StorageWarning(
                    state: .readOnly, path: "/state", since: Self.t0, unsavedEvents: 3,
                    error: "create /state/state.json.tmp: Read-only file system"))
        #expect(m.event(for: change) == .storage(state: .readOnly, path: "/state"))
        // The time stays the first failure's while the problem lasts.
        _ = m.failed(FileError("create", "/state/outbox/x", code: EROFS), wall: Self.t0 + 300, monotonic: 305)
        #expect(m.warning(unsavedEvents: 0, wall: Self.t0 + 300, monotonic: 305)?.since == Self.t0)
        let succeeded = m.succeeded()
        let cleared = try #require(succeeded)
        #expect(m.event(for: cleared) == .storage(state: .ok, path: "/state"))
        #expect(m.warning(unsavedEvents: 0, wall: Self.t0, monotonic: 5) == nil)
    }

    /// A failure before NTP set the clock (a Pi boots in 1970 or at its last saved time) is dated by the monotonic clock.
    @Test func aFailureSeenWithAnImplausibleClockIsDatedFromTheMonotonicClock() throws {
        var m = StorageMonitor(path: "/state", retryInterval: 60)
        _ = m.failed(
            FileError("create", "/state/x", code: EROFS), wall: Date(timeIntervalSince1970: 100), monotonic: 10)
        #expect(m.warning(unsavedEvents: 0, wall: Self.t0, monotonic: 70)?.since == Self.t0 - 60)
    }
}
