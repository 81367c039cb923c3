/// Who a request is, by the credential it carried (`AccessRule` decides what that one may do).
public enum Principal: Sendable, Equatable {
    case anonymous
    /// The shared page password (HTTP Basic).
    case pagePassword
    /// A logged-in account (a session cookie).
    case account(Account)
    /// An API key (`Authorization: Bearer dtk_...`).
    case apiKey(name: String, scope: APIKeyScope)
    /// A credential that is no one's: an unknown or revoked key, a device's token sent as a key.
    case rejected
}
