import Foundation

/// A stored login session. Its id is kept only as a hash; `passwordStamp` is a digest of the account's password
/// hash at login, so a session of a password since changed (the built-in admin's too) no longer counts.
public struct SessionRecord: Sendable, Equatable {
    /// Hex SHA-256 of the id the browser holds in its cookie.
    public var idHash: String
    public var user: String
    /// Sent back in a hidden field of every form; a POST must carry its own session's.
    public var csrf: String
    public var passwordStamp: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        idHash: String, user: String, csrf: String, passwordStamp: String, createdAt: Date, expiresAt: Date
    ) {
        self.idHash = idHash
        self.user = user
        self.csrf = csrf
        self.passwordStamp = passwordStamp
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Live at `now`: started and not yet expired.
    public func isLive(at now: Date) -> Bool { now >= createdAt && now < expiresAt }
}
