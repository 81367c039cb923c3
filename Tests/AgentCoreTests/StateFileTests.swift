import Foundation
import Testing

@testable import AgentCore

@Suite struct StateFileTests {
    let sample = AgentState(
        bootID: "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", lastAlive: Date(timeIntervalSince1970: 1_795_335_123.25),
        lastAliveUptime: 1234.5, clockSynced: true, cleanShutdownAt: nil)

    @Test func roundTripsAndLeavesNoTempFile() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let file = StateFile(path: dir.file("state.json"))
        #expect(file.load() == .missing)
        try file.save(sample)
        #expect(file.load() == .loaded(sample))
        var clean = sample
        clean.cleanShutdownAt = Date(timeIntervalSince1970: 1_795_335_200)
        try file.save(clean)
        #expect(file.load() == .loaded(clean))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["state.json"])
    }

    @Test func writesTheDocumentedFields() throws {
        let text = String(decoding: StateFile.encode(sample), as: UTF8.self)
        for key in [
            "\"boot_id\"", "\"last_alive\":\"2026-11-22T08:12:03.250Z\"", "\"last_alive_uptime\":1234.5",
            "\"clock_synced\":true", "\"clean_shutdown_at\":null",
        ] {
            #expect(text.contains(key), "\(key) in \(text)")
        }
    }

    @Test func aStaleTempFileFromACrashDoesNotMatter() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let file = StateFile(path: dir.file("state.json"))
        try file.save(sample)
        try "{\"boot_id\":".write(toFile: dir.file("state.json.tmp"), atomically: false, encoding: .utf8)
        #expect(file.load() == .loaded(sample))
        var next = sample
        next.lastAliveUptime = 2000
        try file.save(next)
        #expect(file.load() == .loaded(next))
    }

    static let corrupt: [(String, String)] = [
        ("empty", ""),
        ("garbage", "\u{7f}ELF\u{0}\u{0}garbage"),
        ("zeros from a power cut", String(repeating: "\u{0}", count: 64)),
        ("not an object", "[1,2,3]"),
        ("null", "null"),
        ("empty object", "{}"),
        ("missing uptime", #"{"boot_id":"ab","last_alive":"2026-11-22T08:12:03Z","clock_synced":true}"#),
        (
            "uptime is text",
            #"{"boot_id":"ab","last_alive":"2026-11-22T08:12:03Z","last_alive_uptime":"5","clock_synced":true}"#
        ),
        (
            "negative uptime",
            #"{"boot_id":"ab","last_alive":"2026-11-22T08:12:03Z","last_alive_uptime":-5,"clock_synced":true}"#
        ),
        ("bad time", #"{"boot_id":"ab","last_alive":"yesterday","last_alive_uptime":5,"clock_synced":true}"#),
        (
            "empty boot id",
            #"{"boot_id":"","last_alive":"2026-11-22T08:12:03Z","last_alive_uptime":5,"clock_synced":true}"#
        ),
    ]

    @Test(arguments: corrupt)
    func corruptFilesAreUnreadableNotFirstRun(name: String, content: String) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        try content.write(toFile: dir.file("state.json"), atomically: false, encoding: .utf8)
        guard case .unreadable(let reason) = StateFile(path: dir.file("state.json")).load() else {
            Issue.record("\(name) was not reported as unreadable")
            return
        }
        #expect(!reason.isEmpty)
    }

    @Test func everyTruncationOfAValidFileIsUnreadable() {
        let bytes = StateFile.encode(sample)
        // The last byte is a newline: every shorter prefix is broken JSON.
        for length in 0..<(bytes.count - 1) {
            if case .unreadable = StateFile.decode(Array(bytes.prefix(length))) { continue }
            Issue.record("a state file cut at \(length) of \(bytes.count) bytes was not unreadable")
        }
        #expect(StateFile.decode(bytes) == .loaded(sample))
    }

    @Test func aFolderInPlaceOfTheFileIsUnreadable() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(atPath: dir.file("state.json"), withIntermediateDirectories: false)
        guard case .unreadable = StateFile(path: dir.file("state.json")).load() else {
            Issue.record("a folder was not unreadable")
            return
        }
    }

    @Test func atomicWriteSetsTheModeEvenOverAnOlderFile() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let path = dir.file("token")
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try FileIO.writeAtomically(Array("secret\n".utf8), to: path, mode: 0o600)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "secret\n")
    }
}

@Suite struct BootFactsTests {
    @Test func readsBootIDAndAGivenUptimeFileThatKeepsRunning() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        try "0B5D7A3E-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n".write(
            toFile: dir.file("boot_id"), atomically: true, encoding: .utf8)
        try "500.25 900.00\n".write(toFile: dir.file("uptime"), atomically: true, encoding: .utf8)
        let facts = LinuxBootFacts(
            bootIDFile: dir.file("boot_id"), uptimeFile: dir.file("uptime"), timeSyncFile: dir.file("synced"))
        #expect(try facts.bootID() == "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
        let first = facts.uptime()
        #expect(first >= 500.25 && first < 501)
        // The file holds the uptime when it was written: it keeps running from there, for any process.
        #expect(facts.uptime() >= first)
        try FileManager.default.setAttributes([.modificationDate: Date() - 100], ofItemAtPath: dir.file("uptime"))
        let later = LinuxBootFacts(uptimeFile: dir.file("uptime")).uptime()
        #expect(later >= 600.25 && later < 601)
        try "20 40\n".write(toFile: dir.file("uptime"), atomically: true, encoding: .utf8)
        #expect(facts.uptime() < 21)
        #expect(!FileManager.default.fileExists(atPath: dir.file("synced")) || facts.clockSynced())
        #expect(FileManager.default.createFile(atPath: dir.file("synced"), contents: Data()))
        #expect(facts.clockSynced())
    }

    @Test func defaultUptimeIsTheBootClock() {
        let facts = LinuxBootFacts()
        let proc =
            (try? String(contentsOfFile: "/proc/uptime", encoding: .utf8)).flatMap {
                Double($0.split(separator: " ")[0])
            } ?? 0
        #expect(abs(facts.uptime() - proc) < 2)
        #expect(facts.monotonic() <= facts.uptime() + 0.001)
    }

    @Test func refusesAMissingOrBadBootID() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(throws: FileError.self) { try LinuxBootFacts(bootIDFile: dir.file("none")).bootID() }
        try "not a boot id!".write(toFile: dir.file("bad"), atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try LinuxBootFacts(bootIDFile: dir.file("bad")).bootID() }
    }

    @Test(
        arguments: [("8285.15 16211.41", 8285.15), ("12\n", 12.0), ("", nil), ("x 1", nil), ("-3 1", nil)]
            as [(String, Double?)])
    func parsesUptimeText(text: String, value: Double?) {
        #expect(LinuxBootFacts.parseUptime(Array(text.utf8)) == value)
    }
}
