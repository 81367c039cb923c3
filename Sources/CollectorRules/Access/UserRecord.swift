import Foundation

/// A stored user: name, role and the bcrypt hash of the password (the password itself is kept nowhere).
public struct UserRecord: Sendable, Equatable {
    public var name: String
    public var role: Role
    public var passwordHash: String
    public var createdAt: Date

    public init(name: String, role: Role, passwordHash: String, createdAt: Date) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }

    public var account: Account { Account(name: name, role: role) }
}
