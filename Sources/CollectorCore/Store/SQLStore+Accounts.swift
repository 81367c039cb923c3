import CollectorRules
import Foundation

// Users and sessions, once for both backends.
extension SQLStore {
    public func users() async throws -> [UserRecord] {
        try await executor.statements { conn in try await conn.query(sql.allUsers) { try $0.userRecord() } }
    }

    public func user(named name: String) async throws -> UserRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.userNamed, [.text(name)]) { try $0.userRecord() }.first
        }
    }

    public func addUser(_ u: UserRecord) async throws {
        let values: [StoreValue] = [.text(u.name), .text(u.role.rawValue), .text(u.passwordHash), .time(u.createdAt)]
        try await executor.transaction { conn in
            guard try await conn.execute(sql.insertUser, values) > 0 else { throw StoreError.userExists(u.name) }
        }
    }

    public func setPasswordHash(_ hash: String, user: String) async throws -> Bool {
        try await executor.transaction { conn in
            guard try await conn.execute(sql.setUserPassword, [.text(hash), .text(user)]) > 0 else { return false }
            try await conn.execute(sql.deleteUserSessions, [.text(user)])
            return true
        }
    }

    public func removeUser(named name: String) async throws -> Bool {
        try await executor.transaction { conn in
            try await conn.execute(sql.deleteUserSessions, [.text(name)])
            return try await conn.execute(sql.deleteUser, [.text(name)]) > 0
        }
    }

    public func saveSession(_ s: SessionRecord, keepPerUser: Int) async throws {
        let values: [StoreValue] = [
            .text(s.idHash), .text(s.user), .text(s.csrf), .text(s.passwordStamp), .time(s.createdAt),
            .time(s.expiresAt),
        ]
        try await executor.transaction { conn in
            try await conn.execute(sql.deleteExpiredSessions, [.time(s.createdAt)])
            // Room made before the new one goes in: logins within one second tie on their time.
            try await conn.execute(sql.deleteOldestSessions, [.text(s.user), .integer(max(0, keepPerUser - 1))])
            try await conn.execute(sql.insertSession, values)
        }
    }

    public func session(idHash: String) async throws -> SessionRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.sessionWithID, [.text(idHash)]) { try $0.sessionRecord() }.first
        }
    }

    public func removeSession(idHash: String) async throws {
        try await executor.statements { conn in _ = try await conn.execute(sql.deleteSession, [.text(idHash)]) }
    }

    public func removeSessions(user: String) async throws {
        try await executor.statements { conn in _ = try await conn.execute(sql.deleteUserSessions, [.text(user)]) }
    }
}

extension StoreRow {
    /// The user of a row of `StoreSQL.userColumns`; a role this version does not know reads as a viewer.
    func userRecord() throws -> UserRecord {
        UserRecord(
            name: try required(string("name"), "name"),
            role: Role(rawValue: try required(string("role"), "role")) ?? .viewer,
            passwordHash: try required(string("password_hash"), "password_hash"),
            createdAt: Date(timeIntervalSince1970: try required(double("created_at"), "created_at")))
    }

    /// The session of a row of `StoreSQL.sessionColumns`.
    func sessionRecord() throws -> SessionRecord {
        SessionRecord(
            idHash: try required(string("id_hash"), "id_hash"), user: try required(string("user_name"), "user_name"),
            csrf: try required(string("csrf"), "csrf"),
            passwordStamp: try required(string("password_stamp"), "password_stamp"),
            createdAt: Date(timeIntervalSince1970: try required(double("created_at"), "created_at")),
            expiresAt: Date(timeIntervalSince1970: try required(double("expires_at"), "expires_at")))
    }
}
