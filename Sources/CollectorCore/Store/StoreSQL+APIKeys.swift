/// API keys (docs/DESIGN.md "Who may call what"): the same text on both stores; the key's hash as hex text.
extension StoreSQL {
    var apiKeyTable: [String] {
        [
            """
            CREATE TABLE api_key (
                name TEXT PRIMARY KEY NOT NULL, key_hash TEXT NOT NULL UNIQUE, scope TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, last_used_at DOUBLE PRECISION
            )
            """
        ]
    }

    static let apiKeyColumns = "name, key_hash, scope, created_at, last_used_at"

    var allAPIKeys: String { "SELECT \(Self.apiKeyColumns) FROM api_key ORDER BY name" }
    /// Binds: key hash.
    var apiKeyWithHash: String { "SELECT \(Self.apiKeyColumns) FROM api_key WHERE key_hash = \(p(1))" }
    /// Binds: the five `apiKeyColumns`.
    var insertAPIKey: String {
        "INSERT INTO api_key (\(Self.apiKeyColumns)) VALUES (\(values(5))) ON CONFLICT (name) DO NOTHING"
            + dialect.returningChanged
    }
    /// Binds: name.
    var deleteAPIKey: String { "DELETE FROM api_key WHERE name = \(p(1))" + dialect.returningChanged }
    /// Binds: time, name.
    var markAPIKeyUsed: String { "UPDATE api_key SET last_used_at = \(p(1)) WHERE name = \(p(2))" }
}
