import CollectorCore
import CollectorRules
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Viewers and stored users through the real router: a viewer sees the pages and the admin's lists without a form
/// that changes anything, and every change it sends is 403 with nothing changed; admins manage users on a page;
/// the log names who did what; a session opens the pages behind the page password.
@Suite struct ViewerPagesTests {
    typealias A = AdminPagesTests

    static func login(_ client: any TestClientProtocol, _ user: String, _ password: String) async throws -> A.Browser {
        let r = try await A.send(client, .post, "/admin/login", form: [("user", user), ("password", password)])
        #expect(r.status == .seeOther && r.headers[.location] == "/admin", "\(user): \(r.status)")
        let cookie = String(try #require(r.headers[.setCookie]).split(separator: ";")[0])
        let page = try await A.send(client, .get, "/admin", cookie: cookie)
        return A.Browser(cookie: cookie, csrf: try #require(A.csrf(in: page.body)))
    }

    @Test func aViewerSeesNoAdminControlAndEveryChangeIs403() async throws {
        let a = try await A.Admin.make()
        _ = try await a.collector.admin.addDevice("pi-1")
        try await a.users().add("vera", role: .viewer, password: "viewer password")
        let before = try await a.cli().devices()
        try await a.test { client in
            let v = try await Self.login(client, "vera", "viewer password")
            let list = try await A.send(client, .get, "/admin", cookie: v.cookie)
            #expect(list.status == .ok && list.body.contains("pi-1") && list.body.contains("vera (viewer)"))
            let device = try await A.send(client, .get, "/admin/devices/pi-1", cookie: v.cookie)
            #expect(device.status == .ok && device.body.contains("the agent&#39;s"))
            // The only form a viewer gets is the one that logs out.
            for page in [list.body, device.body] {
                #expect(page.components(separatedBy: "<form").count == 2 && page.contains(#"action="/admin/logout""#))
                #expect(!page.contains("/admin/users") && !page.contains("add device") && !page.contains("new token"))
            }
            for uri in ["/admin/users", "/admin/devices/pi-1/remove"] {
                #expect(try await A.send(client, .get, uri, cookie: v.cookie).status == .forbidden, "\(uri)")
            }
            for uri in A.postURLs.filter({ $0 != "/admin/logout" }) + ["/admin/users", "/admin/users/vera/remove"] {
                let r = try await A.post(client, v, uri, [("name", "pi-2"), ("seconds", "5"), ("tags", "x")])
                #expect(r.status == .forbidden, "\(uri)")
            }
            #expect(try await A.post(client, v, "/admin/logout").status == .seeOther)
        }
        #expect(try await a.cli().devices() == before)
        #expect(try await a.users().list().map(\.name) == ["vera"])
        #expect(a.log.all.contains { $0.contains("admin: change refused to a viewer from unknown as vera") })
    }

    @Test func anAdminManagesUsersOnItsPageAndTheLogNamesWho() async throws {
        let a = try await A.Admin.make()
        try await a.users().add("ada", role: .admin, password: "ada password")
        try await a.test { client in
            let ada = try await Self.login(client, "ada", "ada password")
            let page = try await A.send(client, .get, "/admin/users", cookie: ada.cookie)
            #expect(page.status == .ok && page.body.contains("ada") && page.body.contains("the built-in admin"))
            let added = try await A.post(
                client, ada, "/admin/users",
                [("name", "Vic"), ("role", "viewer"), ("password", "vic password"), ("again", "vic password")])
            #expect(added.status == .ok && added.body.contains("Added vic."))
            let mismatch = try await A.post(
                client, ada, "/admin/users",
                [("name", "max"), ("role", "admin"), ("password", "max password"), ("again", "other")])
            #expect(mismatch.status == .badRequest && mismatch.body.contains("the two passwords differ"))
            let vic = try await Self.login(client, "vic", "vic password")
            _ = try await a.collector.admin.addDevice("pi-1")
            #expect(try await A.send(client, .get, "/admin/devices/pi-1", cookie: vic.cookie).status == .ok)
            // A new password logs vic out everywhere.
            let renewed = try await A.post(
                client, ada, "/admin/users/vic/password",
                [("password", "vic new password"), ("again", "vic new password")])
            #expect(renewed.status == .ok)
            let out = try await A.send(client, .get, "/admin", cookie: vic.cookie)
            #expect(out.status == .seeOther && out.headers[.location] == "/admin/login")
            #expect(try await A.post(client, ada, "/admin/users/vic/remove").status == .ok)
            #expect(try await A.post(client, ada, "/admin/users/vic/remove").status == .notFound)
            #expect(try await A.post(client, ada, "/admin/devices/pi-1/pause").status == .seeOther)
        }
        #expect(try await a.users().list().map(\.name) == ["ada"])
        let lines = a.log.all
        for what in [
            "logged in", "added user vic (viewer)", "new password for user vic", "removed user vic", "paused pi-1",
        ] {
            #expect(lines.contains { $0.contains("admin from unknown as ada: \(what)") }, "\(what)")
        }
    }

    @Test func storedUsersTurnTheAdminPagesOnWithoutAHash() async throws {
        let a = try await A.Admin.make(hash: nil)
        try await a.test { client in
            let off = try await A.send(client, .get, "/admin/login")
            #expect(off.status == .notFound)
        }
        try await a.users().add("ada", role: .admin, password: "ada password")
        try await a.test { client in
            #expect(try await A.send(client, .get, "/admin/login").status == .ok)
            // No built-in admin: the empty name logs no one in.
            let r = try await A.send(client, .post, "/admin/login", form: [("password", A.password)])
            #expect(r.status == .unauthorized)
            _ = try await Self.login(client, "ada", "ada password")
        }
    }

    @Test func aSessionOpensThePagesBehindThePagePassword() async throws {
        let a = try await A.Admin.make(pagePassword: "family secret")
        try await a.users().add("vera", role: .viewer, password: "viewer password")
        try await a.test { client in
            #expect(try await A.send(client, .get, "/").status == .unauthorized)
            // The login form needs no page password: the account is the credential.
            #expect(try await A.send(client, .get, "/admin/login").status == .ok)
            let v = try await Self.login(client, "vera", "viewer password")
            for uri in ["/", "/api/v1/devices", "/metrics"] {
                #expect(try await A.send(client, .get, uri, cookie: v.cookie).status == .ok, "\(uri)")
            }
            #expect(try await A.send(client, .get, "/", cookie: "downtime_admin=dtm_forged").status == .unauthorized)
        }
    }
}
