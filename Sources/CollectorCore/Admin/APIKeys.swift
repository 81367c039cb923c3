import CollectorRules
import DowntimeProtocol
import Foundation
import Synchronization

/// API keys for scripts and dashboards: `Authorization: Bearer KEY` on the read API and `/metrics`. A key is 32
/// random bytes (`dtk_`, so it never looks like a device's `dtm_` token), shown once and kept as a SHA-256 hash in
/// a table of its own: a device token is never an API key, and an API key never a device's token.
public final class APIKeys: Sendable {
    public static let prefix = "dtk_"
    /// A key's last use is written at most this often.
    public static let usedEvery: TimeInterval = 60

    let store: any AccountStore
    let clock: any WallClock
    /// The last use written per key name, so a busy script does not write on every request.
    private let written = Mutex<[String: Date]>([:])

    public init(store: any AccountStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Every key, by name (hashes only).
    public func list() async throws -> [APIKeyRecord] { try await store.apiKeys() }

    /// A new key; the key is returned only here.
    @discardableResult
    public func add(_ raw: String, scope: APIKeyScope) async throws -> (key: String, record: APIKeyRecord) {
        guard let name = DeviceName.normalize(raw) else { throw AdminError.invalidKeyName(raw) }
        let key = Self.prefix + Tokens.generate().dropFirst(4)
        let record = APIKeyRecord(
            name: name, scope: scope, keyHash: Tokens.hex(Tokens.hash(key)), createdAt: clock.now())
        do { try await store.addAPIKey(record) } catch StoreError.apiKeyExists { throw AdminError.keyTaken(name) }
        return (key, record)
    }

    /// Revokes a key at once; returns its name.
    @discardableResult
    public func revoke(_ raw: String) async throws -> String {
        guard let name = DeviceName.normalize(raw) else { throw AdminError.invalidKeyName(raw) }
        guard try await store.removeAPIKey(named: name) else { throw AdminError.noKey(name) }
        return name
    }

    /// The key a bearer value is, nil for any other value (a device's token included); its use is noted.
    public func key(_ bearer: String) async throws -> APIKeyRecord? {
        guard bearer.hasPrefix(Self.prefix), let record = try await store.apiKey(hash: Tokens.hex(Tokens.hash(bearer)))
        else { return nil }
        let now = clock.now()
        let due = written.withLock { seen in
            if let last = seen[record.name], now.timeIntervalSince(last) < Self.usedEvery, now >= last { return false }
            seen[record.name] = now
            return true
        }
        if due { try await store.markAPIKeyUsed(record.name, at: now) }
        return record
    }
}
