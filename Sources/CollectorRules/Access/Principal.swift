/// Who a request is, by the credential it carried (`AccessRule` decides what that one may do).
public enum Principal: Sendable, Equatable {
    case anonymous
    /// The shared page password (HTTP Basic).
    case pagePassword
    /// A logged-in account (a session cookie).
    case account(Account)
}
