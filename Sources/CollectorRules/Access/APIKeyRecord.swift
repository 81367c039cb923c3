import Foundation

/// A stored API key: its name, scope and the hash of the key (the key itself is shown once and kept nowhere).
public struct APIKeyRecord: Sendable, Equatable {
    public var name: String
    public var scope: APIKeyScope
    /// Hex SHA-256 of the key.
    public var keyHash: String
    public var createdAt: Date
    /// When a request last carried it (written at most once a minute); nil before its first use.
    public var lastUsedAt: Date?

    public init(name: String, scope: APIKeyScope, keyHash: String, createdAt: Date, lastUsedAt: Date? = nil) {
        self.name = name
        self.scope = scope
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}
