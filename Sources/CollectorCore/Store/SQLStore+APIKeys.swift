import CollectorRules
import Foundation

// API keys, once for both backends.
extension SQLStore {
    public func apiKeys() async throws -> [APIKeyRecord] {
        try await executor.statements { conn in try await conn.query(sql.allAPIKeys) { try $0.apiKeyRecord() } }
    }

    public func apiKey(hash: String) async throws -> APIKeyRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.apiKeyWithHash, [.text(hash)]) { try $0.apiKeyRecord() }.first
        }
    }

    public func addAPIKey(_ k: APIKeyRecord) async throws {
        let values: [StoreValue] = [
            .text(k.name), .text(k.keyHash), .text(k.scope.rawValue), .time(k.createdAt), .time(k.lastUsedAt),
        ]
        try await executor.transaction { conn in
            guard try await conn.execute(sql.insertAPIKey, values) > 0 else { throw StoreError.apiKeyExists(k.name) }
        }
    }

    public func removeAPIKey(named name: String) async throws -> Bool {
        try await executor.transaction { conn in try await conn.execute(sql.deleteAPIKey, [.text(name)]) > 0 }
    }

    public func markAPIKeyUsed(_ name: String, at: Date) async throws {
        try await executor.statements { conn in
            _ = try await conn.execute(sql.markAPIKeyUsed, [.time(at), .text(name)])
        }
    }
}

extension StoreRow {
    /// The key of a row of `StoreSQL.apiKeyColumns`; nil for a scope this version does not know (it grants nothing).
    func apiKeyRecord() throws -> APIKeyRecord? {
        guard let scope = APIKeyScope(rawValue: try required(string("scope"), "scope")) else { return nil }
        return APIKeyRecord(
            name: try required(string("name"), "name"), scope: scope,
            keyHash: try required(string("key_hash"), "key_hash"),
            createdAt: Date(timeIntervalSince1970: try required(double("created_at"), "created_at")),
            lastUsedAt: try double("last_used_at").map { Date(timeIntervalSince1970: $0) })
    }
}
