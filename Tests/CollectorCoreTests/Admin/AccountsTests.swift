import CollectorCore
import CollectorRules
import Foundation
import Testing

/// Users and their stored sessions on both backends: names and passwords checked, sessions that outlive a restart
/// (a new connection to the store) and end on expiry, logout, a new password or the user's removal.
@Suite struct AccountsTests {
    static let builtInHash = AdminPassword.hash("built-in secret", cost: 4)

    static func users(_ store: any Store, _ clock: ManualClock, builtIn: String? = builtInHash) -> Users {
        Users(store: store, clock: clock, builtInHash: builtIn, cost: 4)
    }

    @Test(arguments: Backend.all) func usersAreAddedCheckedAndRemoved(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let clock = ManualClock()
        let users = Self.users(try await h.open(), clock, builtIn: nil)
        #expect(try await !users.anyLogin())
        try await users.add("Alice", role: .viewer, password: "alice password")
        try await users.add("bob", role: .admin, password: "bob password")
        #expect(try await users.anyLogin())
        #expect(try await users.list().map { "\($0.name) \($0.role)" } == ["alice viewer", "bob admin"])
        #expect(try await users.list().allSatisfy { AdminPassword.isBcryptHash($0.passwordHash) })
        await #expect(throws: AdminError.userTaken("alice")) {
            try await users.add("alice", role: .admin, password: "another password")
        }
        await #expect(throws: AdminError.reservedUserName) {
            try await users.add("admin", role: .admin, password: "another password")
        }
        await #expect(throws: AdminError.invalidUserName("a/b")) {
            try await users.add("a/b", role: .admin, password: "another password")
        }
        await #expect(throws: AdminError.invalidPassword(.tooShort)) {
            try await users.add("carol", role: .admin, password: "short")
        }
        #expect(
            try await users.authenticate(name: "ALICE", password: "alice password")
                == Account(name: "alice", role: .viewer))
        #expect(try await users.authenticate(name: "alice", password: "bob password") == nil)
        #expect(try await users.authenticate(name: "nobody", password: "alice password") == nil)
        // No built-in admin configured: the empty name is no one.
        #expect(try await users.authenticate(name: "", password: "built-in secret") == nil)
        #expect(try await users.remove("alice") == "alice")
        await #expect(throws: AdminError.noUser("alice")) { try await users.remove("alice") }
        await #expect(throws: AdminError.noUser("zed")) { try await users.setPassword("zed", password: "long enough") }
        #expect(try await users.list().map(\.name) == ["bob"])
    }

    @Test func theBuiltInAdminLogsInWithAnEmptyName() async throws {
        let h = try StoreHandle.fresh(.sqlite)
        defer { h.remove() }
        let users = Self.users(try await h.open(), ManualClock())
        #expect(try await users.anyLogin() && users.hasBuiltInAdmin)
        let admin = Account(name: "admin", role: .admin)
        #expect(try await users.authenticate(name: "", password: "built-in secret") == admin)
        #expect(try await users.authenticate(name: "admin", password: "built-in secret") == admin)
        #expect(try await users.authenticate(name: "", password: "wrong") == nil)
    }

    @Test(arguments: Backend.all) func sessionsOutliveARestartAndEndWhenTheyShould(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let clock = ManualClock()
        let users = Self.users(try await h.open(), clock)
        try await users.add("alice", role: .viewer, password: "alice password")
        let sessions = AdminSessions(users: users, clock: clock, lifetime: 3600)
        let (id, first) = try await sessions.start(Account(name: "alice", role: .viewer))
        #expect(first.account.role == .viewer && id != first.csrf)
        #expect(AdminSessions.csrfMatches(first.csrf, first) && !AdminSessions.csrfMatches(id, first))
        #expect(!AdminSessions.csrfMatches(nil, first))
        // A restart: a new connection and a new `AdminSessions` know the session.
        let again = AdminSessions(users: Self.users(try await h.open(), clock), clock: clock, lifetime: 3600)
        #expect(try await again.session(id) == first)
        #expect(try await again.session("dtm_forged") == nil)
        #expect(try await again.session(nil) == nil)
        clock.advance(3599)
        #expect(try await sessions.session(id) != nil)
        clock.advance(1)
        #expect(try await sessions.session(id) == nil)

        let (kept, keptSession) = try await sessions.start(Account(name: "alice", role: .viewer))
        try await sessions.end(keptSession)
        #expect(try await sessions.session(kept) == nil)

        // A new password logs the user out everywhere; so does removal.
        let (a, _) = try await sessions.start(Account(name: "alice", role: .viewer))
        let (b, _) = try await sessions.start(Account(name: "alice", role: .viewer))
        try await users.setPassword("alice", password: "new alice password")
        #expect(try await sessions.session(a) == nil)
        #expect(try await sessions.session(b) == nil)
        let (c, _) = try await sessions.start(Account(name: "alice", role: .viewer))
        #expect(try await sessions.session(c) != nil)
        try await users.remove("alice")
        #expect(try await sessions.session(c) == nil)
    }

    @Test(arguments: Backend.all) func sessionsStayBoundedPerUser(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let clock = ManualClock()
        let users = Self.users(try await h.open(), clock)
        let sessions = AdminSessions(users: users, clock: clock, maxPerUser: 3)
        var ids: [String] = []
        for _ in 0..<4 {
            clock.advance(1)
            ids.append(try await sessions.start(Account(name: "admin", role: .admin)).id)
        }
        #expect(try await sessions.session(ids[0]) == nil)
        for id in ids[1...] { #expect(try await sessions.session(id) != nil) }
    }

    @Test func aNewBuiltInPasswordEndsTheBuiltInAdminsSessions() async throws {
        let h = try StoreHandle.fresh(.sqlite)
        defer { h.remove() }
        let clock = ManualClock()
        let store = try await h.open()
        let (id, _) = try await AdminSessions(users: Self.users(store, clock), clock: clock)
            .start(Account(name: "admin", role: .admin))
        let same = AdminSessions(users: Self.users(store, clock), clock: clock)
        #expect(try await same.session(id)?.account == Account(name: "admin", role: .admin))
        let changed = Self.users(store, clock, builtIn: AdminPassword.hash("another secret", cost: 4))
        #expect(try await AdminSessions(users: changed, clock: clock).session(id) == nil)
        let removed = Self.users(store, clock, builtIn: nil)
        #expect(try await AdminSessions(users: removed, clock: clock).session(id) == nil)
    }

    @Test func theAccessRuleTable() {
        let viewer = Principal.account(Account(name: "v", role: .viewer))
        let admin = Principal.account(Account(name: "a", role: .admin))
        let readKey = Principal.apiKey(name: "k", scope: .read)
        let adminKey = Principal.apiKey(name: "k", scope: .admin)
        let rows: [(AccessRule.Route, Principal, Bool, AccessDecision)] = [
            (.open, .anonymous, true, .allow),
            (.read, .anonymous, false, .allow),
            (.read, .anonymous, true, .unauthenticated),
            (.read, .pagePassword, true, .allow),
            (.read, viewer, true, .allow),
            (.read, admin, true, .allow),
            (.adminView, .anonymous, false, .unauthenticated),
            (.adminView, .pagePassword, true, .unauthenticated),
            (.adminView, viewer, true, .allow),
            (.adminView, admin, true, .allow),
            (.adminChange, .pagePassword, true, .unauthenticated),
            (.adminChange, viewer, true, .forbidden),
            (.adminChange, admin, false, .allow),
            (.readAPI, .anonymous, false, .allow),
            (.readAPI, .anonymous, true, .unauthenticated),
            (.readAPI, readKey, true, .allow),
            (.readAPI, adminKey, true, .allow),
            (.readAPI, .rejected, false, .unauthenticated),
            (.read, readKey, false, .unauthenticated),
            (.adminView, adminKey, true, .unauthenticated),
            (.adminChange, adminKey, true, .unauthenticated),
            (.open, .rejected, true, .allow),
        ]
        for (route, who, guarded, expected) in rows {
            #expect(AccessRule.decide(route, who, readGuarded: guarded) == expected, "\(route) \(who) \(guarded)")
        }
    }
}
