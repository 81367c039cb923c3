import DowntimeProtocol
import Foundation
import Testing

/// A small tmpfs mounted for one test (the test runs as root: a test that cannot mount fails, it never skips).
final class TmpfsMount {
    let path: String
    private var mounted = false

    init(at path: String, size: String = "1m") throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let r = try Binaries.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
        try #require(r.status == 0, "mount -t tmpfs on \(path) failed (the end-to-end tests run as root): \(r.err)")
        mounted = true
    }

    func remount(readOnly: Bool) throws {
        let r = try Binaries.run("/bin/mount", ["-o", "remount," + (readOnly ? "ro" : "rw"), path])
        try #require(r.status == 0, "remount \(readOnly ? "ro" : "rw") failed: \(r.err)")
    }

    /// Fills the tmpfs to the last byte with one file.
    func fill() throws {
        let r = try Binaries.run("/bin/dd", ["if=/dev/zero", "of=\(path)/filler", "bs=4k"])
        try #require(r.err.contains("No space left on device"), "dd did not fill \(path): \(r.err)")
    }

    func unfill() throws { try FileManager.default.removeItem(atPath: path + "/filler") }

    func unmount() {
        guard mounted else { return }
        if (try? Binaries.run("/bin/umount", [path]))?.status != 0 {
            _ = try? Binaries.run("/bin/umount", ["-l", path])
        }
        mounted = false
    }

    deinit { unmount() }
}

/// The agent on a state folder that is read-only or full (issue #15): it beats throughout, the
/// collector shows the warning, and once the folder is writable the state is persisted and gap
/// detection finds the next power cut.
@Suite(.serialized) struct StorageEndToEndTests {
    enum Fault { case remountedReadOnly, startedReadOnly, filled }

    private func device(_ c: CollectorProcess, _ site: Site) throws -> DeviceView {
        try Curl.get("\(c.url)/api/v1/devices/\(site.device)", as: DeviceView.self)
    }

    private func page(_ url: String) throws -> String {
        let r = try Curl.request("GET", url)
        #expect(r.status == 200)
        return r.body
    }

    private func run(_ fault: Fault) throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let tmpfs = try TmpfsMount(at: sandbox.stateDir, size: fault == .filled ? "256k" : "1m")
        defer { tmpfs.unmount() }
        let collector = try CollectorProcess(dataDir: site.data)
        _ = try sandbox.boot(uptime: 5000)
        let expected: StorageState = fault == .filled ? .full : .readOnly
        let words = fault == .filled ? "full" : "read-only"

        if fault == .startedReadOnly { try tmpfs.remount(readOnly: true) }
        let first = try AgentProcess(collector: collector.url, device: site.device, token: site.token, sandbox: sandbox)
        defer { first.stop(SIGKILL) }
        eventually(15, "device up") { try device(collector, site).status == .up }
        switch fault {
        case .remountedReadOnly: try tmpfs.remount(readOnly: true)
        case .filled: try tmpfs.fill()
        case .startedReadOnly: break
        }

        // The warning reaches the API and both pages; the device stays up.
        eventually(15, "the storage warning in the API") { try device(collector, site).storage?.state == expected }
        let view = try device(collector, site)
        #expect(view.status == .up)
        #expect(view.storage?.path == sandbox.stateDir)
        #expect(try page(collector.url + "/").contains("storage \(words) since"))
        let devicePage = try page("\(collector.url)/devices/\(site.device)")
        #expect(devicePage.contains("Storage \(words) since"))
        #expect(devicePage.contains("Not saved on the device until it is writable again: its state file"))
        eventually(10, "the storage event") {
            try site.agentEvents(collector).contains { $0.payload == .storage(state: expected, path: sandbox.stateDir) }
        }
        if fault == .startedReadOnly {
            #expect(first.process.isRunning, "the agent exited on a read-only folder: \(first.output)")
            #expect(first.output.contains("gap detection at the next boot needs it"), "\(first.output)")
        }
        usleep(3_000_000) // a few beats and a retry while degraded
        #expect(try device(collector, site).status == .up)

        // Writable again: the warning clears, the state is written.
        switch fault {
        case .filled: try tmpfs.unfill()
        default: try tmpfs.remount(readOnly: false)
        }
        let back = Date()
        eventually(15, "the warning cleared") { try device(collector, site).storage == nil }
        eventually(10, "the storage ok event") {
            try site.agentEvents(collector).contains { $0.payload == .storage(state: .ok, path: sandbox.stateDir) }
        }
        #expect(!(try page(collector.url + "/").contains("storage \(words) since")))
        #expect(FileManager.default.fileExists(atPath: sandbox.stateDir + "/state.json"))

        // A power cut now is found at the next boot, dated from the state written after the folder came back.
        usleep(2_500_000) // one persist interval
        let down = Date()
        first.stop(SIGKILL)
        usleep(3_000_000)
        _ = try sandbox.boot(uptime: 1)
        let second = try AgentProcess(
            collector: collector.url, device: site.device, token: site.token, sandbox: sandbox)
        defer { second.stop(SIGKILL) }
        var outage: OutageReport?
        eventually(15, "the power cut reported") {
            outage = try site.agentEvents(collector).compactMap { e -> OutageReport? in
                if case .outage(let o) = e.payload { o } else { nil }
            }.first
            return outage != nil
        }
        let o = try #require(outage)
        #expect(o.cause == .powerLoss)
        let start = try #require(o.start)
        #expect(start >= back - 1, "outage start \(start) is before the folder came back at \(back): an old state")
        #expect(abs(start.timeIntervalSince(down)) <= 2 + 1.5, "outage start \(start), power cut at \(down)")
        // Up throughout: the collector never called it down before the power cut.
        let downs = try site.events(collector).filter {
            if case .flip(let f) = $0.payload { f.to == .down && $0.at < down } else { false }
        }
        #expect(downs.isEmpty)
    }

    @Test func remountedReadOnlyAtRuntime() throws { try run(.remountedReadOnly) }
    @Test func startedOnAReadOnlyFolder() throws { try run(.startedReadOnly) }
    @Test func aFullFolder() throws { try run(.filled) }
}
