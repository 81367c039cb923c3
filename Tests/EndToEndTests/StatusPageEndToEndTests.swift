import Foundation
import Testing

/// Public status pages with the real binaries: the CLI (add, list, remove, display names, one line and exit 2 for bad
/// input), and a page served by the real collector (Tests/fixtures/status_page.py): nothing private in its HTML, JSON
/// or stream, the Nu checker and axe-core find nothing (the page, its password form, its 404), no horizontal scroll
/// at 375 px, and in headless Chromium it shows a device going down without a reload and a password opens its page.
@Suite(.serialized) struct StatusPageEndToEndTests {
    /// The CLI with `args`, its standard input `stdin` when given (through a pipe, as a script would give it).
    static func cli(_ args: [String], _ data: String, stdin: String? = nil) throws -> (
        status: Int32, out: String, err: String
    ) {
        let all = args + ["--data-dir", data]
        guard let stdin else { return try Binaries.run("downtime-collector", all) }
        // Quoted, the binary's path too: a clone's folder may hold a space ("/root/dtm ci").
        let command = ([Binaries.path("downtime-collector")] + all).map(AdminEndToEndTests.quoted)
        return try Binaries.run(
            "/bin/sh", ["-c", "printf \(AdminEndToEndTests.quoted(stdin)) | \(command.joined(separator: " "))"])
    }

    @Test func theCLIAddsListsAndRemovesPagesAndRefusesBadInputInOneLine() throws {
        let data = try Binaries.tempDir("status-cli")
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try Self.cli(["device", "add", "pi-1"], data).status == 0)
        let shown = try Self.cli(["device", "display", "pi-1", "Front door camera"], data)
        #expect(shown.status == 0 && shown.out.contains("pi-1 shows as \"Front door camera\""), "\(shown)")
        let added = try Self.cli(["status-page", "add", "home", "--title", "Home", "--select", "device:pi-1"], data)
        #expect(added.status == 0 && added.out.contains("at /status/home"), "\(added)")
        let locked = try Self.cli(
            ["status-page", "add", "family", "--title", "Family", "--select", "tag:public", "--password"], data,
            stdin: "holiday house\nholiday house\n")
        #expect(locked.status == 0 && locked.out.contains("password"), "\(locked)")
        let list = try Self.cli(["status-page", "list"], data)
        let lines = list.out.split(separator: "\n").map { $0.split(separator: "\t").prefix(4).joined(separator: " ") }
        #expect(lines == ["family tag:public password Family", "home device:pi-1 public Home"], "\(list)")
        for (args, message, code) in [
            (["add", "x", "--title", "X", "--select", "room:1"], "unknown selection room:1", Int32(2)),
            (["add", "x", "--title", "X", "--select", "device:"], "empty selection device:", 2),
            (["add", "home", "--title", "X", "--select", "tag:a"], "a status page named home already exists", 2),
            (["add", "Bad Name", "--title", "X", "--select", "tag:a"], "invalid status page name Bad Name", 2),
            (["add", "x", "--title", "X", "--select", "device:pi-9"], "no device named pi-9", 3),
            (["remove", "nope"], "no status page named nope", 3),
        ] {
            let r = try Self.cli(["status-page"] + args, data)
            let errLines = r.err.split(separator: "\n")
            #expect(r.status == code && errLines.count == 1 && r.err.contains(message), "\(args): \(r)")
        }
        let mismatch = try Self.cli(
            ["status-page", "add", "x", "--title", "X", "--select", "tag:a", "--password"], data,
            stdin: "one password\nanother one\n")
        #expect(mismatch.status == 2 && mismatch.err.contains("the two passwords differ"), "\(mismatch)")
        let removed = try Self.cli(["status-page", "remove", "home"], data)
        #expect(removed.status == 0 && removed.out.contains("Removed status page home."))
        #expect(try Self.cli(["status-page", "list"], data).out.split(separator: "\n").count == 1)
        let cleared = try Self.cli(["device", "display", "pi-1", "--clear"], data)
        #expect(cleared.status == 0 && cleared.out.contains("pi-1 has no display name."), "\(cleared)")
        let neither = try Self.cli(["device", "display", "pi-1"], data)
        #expect(neither.status == 2 && neither.err.contains("give a display name"), "\(neither)")
    }

    @Test func thePageShowsNothingPrivateIsValidAccessibleAndLiveInChromium() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/status_page.py").path
        let r = try Binaries.run(
            "/usr/bin/env", ["python3", script, "--bin", Binaries.dir, "--artifacts", BrowserEndToEndTests.artifacts])
        #expect(r.status == 0, "status_page.py exited \(r.status):\n\(r.out)\n\(r.err.suffix(3000))")
        for line in [
            "ok: the page shows no real name", "ok: the JSON shows no real name", "ok: the stream shows no real name",
            "ok: the stream sends the camera's flip", "ok: Nu HTML checker on the status page",
            "ok: axe-core on the status page (desktop): 0 violations",
            "ok: axe-core on the status page (phone): 0 violations",
            "ok: phone: no horizontal scroll", "ok: the open page shows Device 1 down without a reload",
            "ok: the page with a password asks for it", "ok: the password form shows no real name",
            "ok: axe-core on the status page's password form: 0 violations", "ok: a wrong password is refused",
            "ok: the right password opens the family page in Chromium",
            "status: OK",
        ] {
            #expect(r.out.contains(line), "missing \(line):\n\(r.out)")
        }
    }
}
