import CollectorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorRules

/// Adding and removing jobs in the admin pages (issue #31): the same rules as `job add|remove`, the key shown once,
/// a bad form changing nothing, and no change without the session's CSRF token.
@Suite struct JobAdminPagesTests {
    typealias A = AdminPagesTests

    func jobs(_ a: A.Admin) async throws -> [JobRecord] {
        try await JobAdmin(store: try await a.handle.open(), zone: .gmt, clock: a.clock).list()
    }

    @Test func anAdminAddsAJobSeesItsKeyOnceAndRemovesIt() async throws {
        let a = try await A.Admin.make()
        _ = try await a.collector.admin.addDevice("nas")
        try await a.test { client in
            let b = try await A.login(client)
            let page = try await A.send(client, .get, "/admin/jobs", cookie: b.cookie)
            #expect(page.status == .ok && page.body.contains("<option value=\"nas\">nas</option>"))
            let added = try await A.post(
                client, b, "/admin/jobs",
                [
                    ("name", "backup"), ("device", "nas"), ("every", ""), ("cron", "0 3 * * *"), ("grace", "30m"),
                    ("max_runtime", "2h"),
                ])
            #expect(added.status == .ok)
            let key = try #require(A.token(in: added.body))
            #expect(added.body.contains("http://localhost/ping/job/\(key)/start"))
            let list = try await jobs(a)
            #expect(list.count == 1 && list[0].keyHash == Tokens.hex(Tokens.hash(key)))
            #expect(list[0].spec.grace == 1800 && list[0].spec.maxRuntime == 7200)
            #expect(list[0].spec.schedule.text == "cron 0 3 * * *")
            // Listed after, without its key.
            let again = try await A.send(client, .get, "/admin/jobs", cookie: b.cookie)
            #expect(again.body.contains("/jobs/backup") && !again.body.contains(key))
            let removed = try await A.post(client, b, "/admin/jobs/backup/remove")
            #expect(removed.status == .ok && removed.body.contains("Removed job backup"))
            #expect(try await jobs(a).isEmpty)
            #expect(try await A.post(client, b, "/admin/jobs/backup/remove").status == .notFound)
        }
    }

    @Test func aBadFormOrOneWithoutItsTokenAddsNothing() async throws {
        let a = try await A.Admin.make()
        _ = try await a.collector.admin.addDevice("nas")
        try await a.test { client in
            let b = try await A.login(client)
            for (fields, message) in [
                ([("name", "../x"), ("device", "nas"), ("every", "1d")], "invalid job name"),
                ([("name", "x"), ("device", "pi-9"), ("every", "1d")], "no device named pi-9"),
                ([("name", "x"), ("device", "nas")], "give one of --every"),
                ([("name", "x"), ("device", "nas"), ("cron", "0 25 * * *")], "--cron hour"),
                ([("name", "x"), ("device", "nas"), ("every", "1d"), ("grace", "soon")], "--grace"),
            ] {
                let r = try await A.post(client, b, "/admin/jobs", fields)
                #expect(r.status == .badRequest && r.body.contains(message), "\(fields): \(r.body)")
            }
            let forged = try await A.send(
                client, .post, "/admin/jobs", form: [("name", "x"), ("device", "nas"), ("every", "1d")],
                cookie: b.cookie)
            #expect(forged.status == .forbidden)
        }
        #expect(try await jobs(a).isEmpty)
    }
}
