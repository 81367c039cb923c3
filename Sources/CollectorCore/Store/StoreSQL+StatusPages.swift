/// Public status pages and the devices' display names (docs/DESIGN.md "Public status pages"): the same text on both
/// stores.
extension StoreSQL {
    var statusPageTables: [String] {
        [
            """
            CREATE TABLE status_page (
                name TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL, selector TEXT NOT NULL, password_hash TEXT,
                created_at DOUBLE PRECISION NOT NULL
            )
            """,
            "ALTER TABLE device ADD COLUMN display_name TEXT",
        ]
    }

    static let statusPageColumns = "name, title, selector, password_hash, created_at"

    var allStatusPages: String { "SELECT \(Self.statusPageColumns) FROM status_page ORDER BY name" }
    /// Binds: name.
    var statusPageNamed: String { "SELECT \(Self.statusPageColumns) FROM status_page WHERE name = \(p(1))" }
    /// Binds: the five `statusPageColumns`.
    var insertStatusPage: String {
        "INSERT INTO status_page (\(Self.statusPageColumns)) VALUES (\(values(5))) ON CONFLICT (name) DO NOTHING"
            + dialect.returningChanged
    }
    /// Binds: name.
    var deleteStatusPage: String { "DELETE FROM status_page WHERE name = \(p(1))" + dialect.returningChanged }
}
