import Foundation
import Testing

/// The `user` commands of the real binary, passwords piped twice on standard input, and stored sessions: a viewer
/// logged in through curl stays logged in across a collector restart, is refused an admin change (403, nothing
/// changed), and is logged out once its password changes.
@Suite(.serialized) struct UserEndToEndTests {
    static let bin = AdminEndToEndTests.quoted(Binaries.path("downtime-collector"))

    static func user(_ args: String, data: String, stdin: String = "") throws -> (
        status: Int32, out: String, err: String
    ) {
        try AdminEndToEndTests.sh(
            "printf \(AdminEndToEndTests.quoted(stdin)) | \(bin) user \(args) --data-dir \(AdminEndToEndTests.quoted(data))"
        )
    }

    @Test func userCommandsAddListChangeAndRemove() throws {
        let data = try Binaries.tempDir("user e2e")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let add = try Self.user("add Alice --role viewer", data: data, stdin: "alice password\nalice password\n")
        #expect(add.status == 0 && add.out == "Added user alice (viewer).\n", "\(add.err)")
        #expect(!add.out.contains("alice password"))
        let admin = try Self.user("add bob --role admin", data: data, stdin: "bob password\nbob password\n")
        #expect(admin.status == 0, "\(admin.err)")
        let list = try Self.user("list", data: data)
        let rows = list.out.split(separator: "\n").map { $0.split(separator: "\t").prefix(2).joined(separator: " ") }
        #expect(rows == ["alice viewer", "bob admin"])
        #expect(!list.out.contains("$2b$"))
        let taken = try Self.user("add alice --role admin", data: data, stdin: "long enough\nlong enough\n")
        #expect(taken.status == 2 && taken.err.contains("a user named alice already exists"))
        let differ = try Self.user("add carol --role admin", data: data, stdin: "long enough\nlong enougH\n")
        #expect(differ.status == 2 && differ.err.contains("the two passwords differ"))
        let role = try Self.user("add carol --role root", data: data, stdin: "long enough\nlong enough\n")
        #expect(role.status != 0 && role.err.contains("root"))
        let reserved = try Self.user("add admin --role admin", data: data, stdin: "long enough\nlong enough\n")
        #expect(reserved.status == 2 && reserved.err.contains("built-in admin"))
        let password = try Self.user("password alice", data: data, stdin: "new alice pass\nnew alice pass\n")
        #expect(password.status == 0 && password.out.contains("New password for alice"), "\(password.err)")
        let missing = try Self.user("password zed", data: data, stdin: "long enough\nlong enough\n")
        #expect(missing.status == 3 && missing.err.contains("no user named zed"))
        #expect(try Self.user("remove alice", data: data).status == 0)
        #expect(try Self.user("remove alice", data: data).status == 3)
        #expect(try Self.user("list", data: data).out.hasPrefix("bob\tadmin"))
    }

    @Test func aViewersSessionOutlivesARestartAndCannotChangeAnything() throws {
        let data = try Binaries.tempDir("user e2e restart")
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(
            try Self.user("add vera --role viewer", data: data, stdin: "vera password\nvera password\n").status == 0)
        let jar = data + "/cookies.txt"
        var collector = try CollectorProcess(dataDir: data)
        func browse(_ method: String, _ path: String, form: [String] = []) throws -> (status: Int, body: String) {
            var args = [
                "-sS", "-X", method, "-c", jar, "-b", jar, "-o", "-", "-w", "\n%{http_code}", "-H",
                "Origin: \(collector.url)",
            ]
            for field in form { args += ["--data-urlencode", field] }
            let r = try Binaries.run("/usr/bin/curl", args + [collector.url + path])
            let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }
        #expect(try browse("POST", "/admin/login", form: ["user=vera", "password=vera password"]).status == 303)
        collector.stop()
        collector = try CollectorProcess(dataDir: data)
        let list = try browse("GET", "/admin")
        #expect(list.status == 200 && list.body.contains("vera (viewer)"))
        let csrf = try #require(
            list.body.range(of: #"name="csrf" value=""#).map {
                String(list.body[$0.upperBound...].prefix { $0 != "\"" })
            })
        #expect(try browse("POST", "/admin/devices", form: ["csrf=\(csrf)", "name=forged"]).status == 403)
        #expect(!(try browse("GET", "/api/v1/devices").body.contains("forged")))
        #expect(collector.output.contains("admin: change refused to a viewer from 127.0.0.1 as vera"))
        #expect(try Self.user("password vera", data: data, stdin: "vera new pass\nvera new pass\n").status == 0)
        #expect(try browse("GET", "/admin").status == 303)
    }
}

/// The `apikey` commands of the real binary and a key used through curl on a collector behind a page password.
@Suite(.serialized) struct APIKeyEndToEndTests {
    static func apikey(_ args: String, data: String) throws -> (status: Int32, out: String, err: String) {
        try AdminEndToEndTests.sh(
            "\(UserEndToEndTests.bin) apikey \(args) --data-dir \(AdminEndToEndTests.quoted(data))")
    }

    @Test func aKeyIsShownOnceUsedWithCurlListedWithItsUseAndRevoked() throws {
        let data = try Binaries.tempDir("apikey e2e")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let add = try Self.apikey("add grafana --scope read", data: data)
        #expect(add.status == 0, "\(add.err)")
        let key = String(try #require(add.out.split(separator: "\n").last))
        #expect(key.hasPrefix("dtk_") && key.count == 47)
        #expect(try Self.apikey("add grafana --scope admin", data: data).status == 2)
        #expect(try Self.apikey("add x --scope root", data: data).status != 0)
        #expect(try Self.apikey("list", data: data).out.contains("grafana\tread\t"))
        #expect(try Self.apikey("list", data: data).out.contains("never used"))
        #expect(!(try Self.apikey("list", data: data).out.contains(key)))
        let collector = try CollectorProcess(dataDir: data, env: ["DOWNTIME_PAGE_PASSWORD": "family secret"])
        func status(_ path: String, _ bearer: String?) throws -> String {
            var args = ["-sS", "-o", "/dev/null", "-w", "%{http_code}"]
            if let bearer { args += ["-H", "Authorization: Bearer \(bearer)"] }
            return try Binaries.run("/usr/bin/curl", args + [collector.url + path]).out
        }
        #expect(try status("/api/v1/devices", nil) == "401")
        #expect(try status("/api/v1/devices", key) == "200")
        #expect(try status("/metrics", key) == "200")
        #expect(try status("/", key) == "401")
        #expect(try Self.apikey("list", data: data).out.contains("last used 20"))
        #expect(try Self.apikey("revoke grafana", data: data).status == 0)
        #expect(try status("/metrics", key) == "401")
        #expect(try Self.apikey("revoke grafana", data: data).status == 3)
    }
}
