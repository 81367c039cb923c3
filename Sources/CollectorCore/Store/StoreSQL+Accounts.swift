/// Users and their stored sessions (docs/DESIGN.md "Who may call what"): the same text on both stores. Hashes
/// are hex text, so both keep them alike.
extension StoreSQL {
    /// The migration that makes the tables.
    var accountTables: [String] {
        [
            """
            CREATE TABLE app_user (
                name TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            )
            """,
            """
            CREATE TABLE user_session (
                id_hash TEXT PRIMARY KEY NOT NULL, user_name TEXT NOT NULL, csrf TEXT NOT NULL,
                password_stamp TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX user_session_user ON user_session(user_name)",
        ]
    }

    static let userColumns = "name, role, password_hash, created_at"
    static let sessionColumns = "id_hash, user_name, csrf, password_stamp, created_at, expires_at"

    var allUsers: String { "SELECT \(Self.userColumns) FROM app_user ORDER BY name" }
    /// Binds: name.
    var userNamed: String { "SELECT \(Self.userColumns) FROM app_user WHERE name = \(p(1))" }
    /// Binds: the four `userColumns`.
    var insertUser: String {
        "INSERT INTO app_user (\(Self.userColumns)) VALUES (\(values(4))) ON CONFLICT (name) DO NOTHING"
            + dialect.returningChanged
    }
    /// Binds: hash, name.
    var setUserPassword: String {
        "UPDATE app_user SET password_hash = \(p(1)) WHERE name = \(p(2))" + dialect.returningChanged
    }
    /// Binds: name.
    var deleteUser: String { "DELETE FROM app_user WHERE name = \(p(1))" + dialect.returningChanged }

    /// Binds: the six `sessionColumns`.
    var insertSession: String { "INSERT INTO user_session (\(Self.sessionColumns)) VALUES (\(values(6)))" }
    /// Binds: id hash.
    var sessionWithID: String { "SELECT \(Self.sessionColumns) FROM user_session WHERE id_hash = \(p(1))" }
    /// Binds: id hash.
    var deleteSession: String { "DELETE FROM user_session WHERE id_hash = \(p(1))" }
    /// Every session of a user (a new password, a removed user). Binds: user name.
    var deleteUserSessions: String { "DELETE FROM user_session WHERE user_name = \(p(1))" }
    /// Binds: now.
    var deleteExpiredSessions: String { "DELETE FROM user_session WHERE expires_at <= \(p(1))" }
    /// A user's sessions but their newest `keep`. Binds: user name, keep.
    var deleteOldestSessions: String {
        "DELETE FROM user_session WHERE user_name = \(p(1)) AND id_hash NOT IN "
            + "(SELECT id_hash FROM user_session WHERE user_name = \(p(1)) ORDER BY created_at DESC LIMIT \(p(2)))"
    }
}
