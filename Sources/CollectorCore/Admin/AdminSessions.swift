import CollectorRules
import Crypto
import Foundation

/// Logged-in sessions, kept in the store so a collector restart logs no one out. The browser holds the id (32
/// bytes from the system's CSPRNG, `Tokens.generate`); the store only its hash. A session counts while it is live,
/// its account can still log in and that account's password is the one it logged in with.
public final class AdminSessions: Sendable {
    public struct Session: Sendable, Equatable {
        /// Hex SHA-256 of the cookie's id.
        public let idHash: String
        /// Sent back in a hidden field of every form; a POST must carry its own session's.
        public let csrf: String
        /// Who is logged in, with the role the account has now.
        public let account: Account
        public let createdAt: Date
    }

    /// A session ends this long after its login.
    public let lifetime: TimeInterval
    /// Past this many sessions of one user, the oldest is dropped: the store stays bounded whatever is posted.
    public let maxPerUser: Int
    let users: Users
    let clock: any WallClock
    /// Keys the CSRF tokens of proxy-named users, who have no stored session; new at each start.
    private let proxySecret = Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })

    public init(users: Users, clock: any WallClock, lifetime: TimeInterval = 12 * 3600, maxPerUser: Int = 20) {
        self.users = users
        self.clock = clock
        self.lifetime = lifetime
        self.maxPerUser = maxPerUser
    }

    /// A new session of `account` (after a correct password); the id for the cookie and the session.
    public func start(_ account: Account) async throws -> (id: String, session: Session) {
        guard let (_, hash) = try await users.current(account.name) else { throw AdminError.noUser(account.name) }
        let id = Tokens.generate()
        let now = clock.now()
        let record = SessionRecord(
            idHash: Self.idHash(id), user: account.name, csrf: Tokens.generate(), passwordStamp: Users.stamp(hash),
            createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
        try await users.store.saveSession(record, keepPerUser: maxPerUser)
        return (id, Session(idHash: record.idHash, csrf: record.csrf, account: account, createdAt: now))
    }

    /// The live session of a cookie's id, or nil (unknown, ended, expired, or its account's password changed).
    public func session(_ id: String?) async throws -> Session? {
        guard let id, let record = try await users.store.session(idHash: Self.idHash(id)) else { return nil }
        guard record.isLive(at: clock.now()) else {
            try await users.store.removeSession(idHash: record.idHash)
            return nil
        }
        guard let (account, hash) = try await users.current(record.user),
            Tokens.constantTimeEqual(Array(Users.stamp(hash).utf8), Array(record.passwordStamp.utf8))
        else { return nil }
        return Session(idHash: record.idHash, csrf: record.csrf, account: account, createdAt: record.createdAt)
    }

    /// The session of a user a trusted proxy named on this request: nothing stored, its CSRF token derived from
    /// the name under this run's secret.
    public func proxied(_ account: Account) -> Session {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(account.name.utf8), using: SymmetricKey(data: proxySecret))
        return Session(idHash: "", csrf: Tokens.hex(Array(mac)), account: account, createdAt: clock.now())
    }

    public func end(_ session: Session) async throws {
        guard !session.idHash.isEmpty else { return }
        try await users.store.removeSession(idHash: session.idHash)
    }

    static func idHash(_ id: String) -> String { Tokens.hex(Tokens.hash(id)) }

    /// Whether `given` is `session`'s CSRF token (compared without an early exit).
    public static func csrfMatches(_ given: String?, _ session: Session) -> Bool {
        guard let given else { return false }
        return Tokens.constantTimeEqual(Tokens.hash(given), Tokens.hash(session.csrf))
    }
}
