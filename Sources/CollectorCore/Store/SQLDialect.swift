/// What the SQL of the two stores differs in; everything else `StoreSQL` writes once for both.
enum SQLDialect: Sendable {
    case sqlite, postgres

    /// The `n`-th bound value (from 1): `?1` or `$1`. Both may repeat it within a statement.
    func placeholder(_ n: Int) -> String {
        switch self {
        case .sqlite: "?\(n)"
        case .postgres: "$\(n)"
        }
    }

    /// The text of a top-level JSON field of an event row's `body` (bytes of UTF-8 JSON).
    func bodyField(_ name: String) -> String {
        switch self {
        case .sqlite: "json_extract(CAST(body AS TEXT), '$.\(name)')"
        case .postgres: "(convert_from(body, 'UTF8')::jsonb ->> '\(name)')"
        }
    }

    /// Appended to a DELETE or UPDATE so that it answers one row per row changed: PostgreSQL's way to
    /// count them; SQLite counts them on the connection instead.
    var returningChanged: String {
        switch self {
        case .sqlite: ""
        case .postgres: " RETURNING 1"
        }
    }
}
