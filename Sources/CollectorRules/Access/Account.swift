/// Someone who logged in: a stored user, or the built-in admin of `DOWNTIME_ADMIN_PASSWORD_HASH`.
public struct Account: Sendable, Equatable {
    /// The built-in admin's name; no stored user may take it.
    public static let builtInName = "admin"

    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }

    public var isBuiltIn: Bool { name == Self.builtInName }
}
