import CollectorRules
import Foundation

/// The store's users, their login sessions and the API keys (both backends, `SQLStore+Accounts`,
/// `SQLStore+APIKeys`).
public protocol AccountStore: Sendable {
    /// Every user, by name.
    func users() async throws -> [UserRecord]
    func user(named name: String) async throws -> UserRecord?
    /// Adds a user; throws `StoreError.userExists` for a taken name.
    func addUser(_ user: UserRecord) async throws
    /// Replaces a user's password hash and ends all of that user's sessions; false when there is no such user.
    func setPasswordHash(_ hash: String, user: String) async throws -> Bool
    /// Removes a user and all of that user's sessions; false when there was none.
    func removeUser(named name: String) async throws -> Bool
    /// Stores a new session, dropping expired ones and the user's oldest past `keepPerUser`.
    func saveSession(_ session: SessionRecord, keepPerUser: Int) async throws
    /// The session of an id hash, live or not.
    func session(idHash: String) async throws -> SessionRecord?
    func removeSession(idHash: String) async throws
    /// Ends every session of a user (the built-in admin's, whose password lives in the configuration).
    func removeSessions(user: String) async throws
    /// Every API key, by name.
    func apiKeys() async throws -> [APIKeyRecord]
    /// The key of a hash (hex SHA-256 of the key).
    func apiKey(hash: String) async throws -> APIKeyRecord?
    /// Adds a key; throws `StoreError.apiKeyExists` for a taken name.
    func addAPIKey(_ key: APIKeyRecord) async throws
    /// Revokes a key; false when there was none.
    func removeAPIKey(named name: String) async throws -> Bool
    func markAPIKeyUsed(_ name: String, at: Date) async throws
}
