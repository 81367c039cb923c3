import CollectorRules
import DowntimeProtocol
import Foundation

/// The accounts that may log in: the stored users (the CLI's `user` commands and the admin's users page) and the
/// built-in admin of `DOWNTIME_ADMIN_PASSWORD_HASH`. Names follow the device-name rule; passwords are kept only as
/// bcrypt hashes.
public struct Users: Sendable {
    let store: any AccountStore
    let clock: any WallClock
    /// The built-in admin's hash, when configured.
    let builtInHash: String?
    /// bcrypt's cost for new passwords (12; tests use less).
    let cost: UInt8

    public init(
        store: any AccountStore, clock: any WallClock = SystemWallClock(), builtInHash: String? = nil,
        cost: UInt8 = 12
    ) {
        self.store = store
        self.clock = clock
        self.builtInHash = builtInHash
        self.cost = cost
    }

    /// Whether the built-in admin is configured.
    public var hasBuiltInAdmin: Bool { builtInHash != nil }

    /// Every stored user, by name (the built-in admin is not stored).
    public func list() async throws -> [UserRecord] { try await store.users() }

    /// Whether anyone can log in: the built-in admin or at least one stored user.
    public func anyLogin() async throws -> Bool {
        if builtInHash != nil { return true }
        return try await !store.users().isEmpty
    }

    /// Adds a user with a password (checked as `AdminPassword.confirmed` checks a new one).
    @discardableResult
    public func add(_ raw: String, role: Role, password: String) async throws -> UserRecord {
        let name = try Self.newName(raw)
        let record = UserRecord(
            name: name, role: role, passwordHash: AdminPassword.hash(try Self.checked(password), cost: cost),
            createdAt: clock.now())
        do { try await store.addUser(record) } catch StoreError.userExists { throw AdminError.userTaken(name) }
        return record
    }

    /// Adds a user a reverse proxy named: no password of theirs is known here (a random one is hashed), so they
    /// log in only through the proxy, or after an admin gives them one.
    func addExternal(_ raw: String, role: Role) async throws -> UserRecord {
        let name = try Self.newName(raw)
        let record = UserRecord(
            name: name, role: role, passwordHash: AdminPassword.hash(Tokens.generate(), cost: 4), createdAt: clock.now()
        )
        do { try await store.addUser(record) } catch StoreError.userExists {
            guard let stored = try await store.user(named: name) else { throw AdminError.userTaken(name) }
            return stored
        }
        return record
    }

    /// Sets a user's password; every session of that user ends. Returns the name.
    @discardableResult
    public func setPassword(_ raw: String, password: String) async throws -> String {
        let name = try Self.name(raw)
        let hash = AdminPassword.hash(try Self.checked(password), cost: cost)
        guard try await store.setPasswordHash(hash, user: name) else { throw AdminError.noUser(name) }
        return name
    }

    /// Removes a user and ends that user's sessions. Returns the name.
    @discardableResult
    public func remove(_ raw: String) async throws -> String {
        let name = try Self.name(raw)
        guard try await store.removeUser(named: name) else { throw AdminError.noUser(name) }
        return name
    }

    /// The account of a name and password, nil when either is wrong. An empty name is the built-in admin's.
    public func authenticate(name raw: String, password: String) async throws -> Account? {
        let name = raw.isEmpty ? Account.builtInName : raw.lowercased()
        guard let (account, hash) = try await current(name) else {
            // A bcrypt check all the same, so the time taken does not tell which names exist.
            _ = try await AdminPassword.verify(password, hash: Self.decoy)
            return nil
        }
        return try await AdminPassword.verify(password, hash: hash) ? account : nil
    }

    /// The account a name is now, with its password hash; nil when it cannot log in.
    func current(_ name: String) async throws -> (Account, hash: String)? {
        if name == Account.builtInName {
            return builtInHash.map { (Account(name: name, role: .admin), $0) }
        }
        return try await store.user(named: name).map { ($0.account, $0.passwordHash) }
    }

    /// A digest of a password hash: a session made under another hash no longer counts.
    static func stamp(_ hash: String) -> String { String(Tokens.hex(Tokens.hash(hash)).prefix(32)) }

    /// Hashed once, only for the decoy check of unknown names.
    private static let decoy = AdminPassword.hash("not a password of anyone", cost: 12)

    /// A new password typed twice (a form's two fields, two lines of standard input), as `AdminPassword` checks it.
    public static func newPassword(_ first: String?, _ second: String?) throws -> String {
        do { return try AdminPassword.confirmed(first, second) } catch { throw AdminError.invalidPassword(error) }
    }

    private static func checked(_ password: String) throws -> String {
        do { return try AdminPassword.confirmed(password, password) } catch { throw AdminError.invalidPassword(error) }
    }

    static func name(_ raw: String) throws -> String {
        guard let name = DeviceName.normalize(raw) else { throw AdminError.invalidUserName(raw) }
        return name
    }

    /// A name for a new user: not the built-in admin's.
    static func newName(_ raw: String) throws -> String {
        let name = try name(raw)
        guard name != Account.builtInName else { throw AdminError.reservedUserName }
        return name
    }
}
