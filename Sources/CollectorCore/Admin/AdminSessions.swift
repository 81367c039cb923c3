import Foundation
import Synchronization

/// The admin's logged-in sessions, in memory only: a collector restart logs everyone out. Ids and CSRF
/// tokens are 32 bytes from the system's CSPRNG (`Tokens.generate`).
public final class AdminSessions: Sendable {
    public struct Session: Sendable, Equatable {
        public let id: String
        /// Sent back in a hidden field of every form; a POST must carry its own session's.
        public let csrf: String
        public let createdAt: Date
    }

    /// A session ends this long after its login.
    public let lifetime: TimeInterval
    /// Past this many, the oldest session is dropped: memory stays bounded whatever is posted.
    public let maxSessions: Int
    let clock: any WallClock
    private let sessions = Mutex<[String: Session]>([:])

    public init(clock: any WallClock, lifetime: TimeInterval = 12 * 3600, maxSessions: Int = 100) {
        self.clock = clock
        self.lifetime = lifetime
        self.maxSessions = maxSessions
    }

    /// A new session (after a correct password).
    public func start() -> Session {
        let session = Session(id: Tokens.generate(), csrf: Tokens.generate(), createdAt: clock.now())
        let now = clock.now()
        sessions.withLock { all in
            all = all.filter { now.timeIntervalSince($0.value.createdAt) < lifetime }
            if all.count >= maxSessions, let oldest = all.values.min(by: { $0.createdAt < $1.createdAt }) {
                all[oldest.id] = nil
            }
            all[session.id] = session
        }
        return session
    }

    /// The live session of `id`, or nil (unknown, ended or expired).
    public func session(_ id: String?) -> Session? {
        guard let id else { return nil }
        let now = clock.now()
        return sessions.withLock { all in
            guard let s = all[id] else { return nil }
            guard now.timeIntervalSince(s.createdAt) < lifetime, now >= s.createdAt else {
                all[id] = nil
                return nil
            }
            return s
        }
    }

    public func end(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Whether `given` is `session`'s CSRF token (compared without an early exit).
    public static func csrfMatches(_ given: String?, _ session: Session) -> Bool {
        guard let given else { return false }
        return Tokens.constantTimeEqual(Tokens.hash(given), Tokens.hash(session.csrf))
    }
}
