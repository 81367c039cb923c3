/// Who may call what (docs/DESIGN.md "Who may call what"), as pure functions of the route's kind and the caller.
public enum AccessRule {
    /// The kinds of routes, by what they show or change.
    public enum Route: Sendable, Equatable {
        /// Agents' writes, pings, the health check, the reporter script, the login form: open to all (they carry
        /// their own tokens or nothing to hide).
        case open
        /// The pages, the read API, badges and metrics.
        case read
        /// An admin page that only shows (the device list, a device's settings).
        case adminView
        /// An admin page or form that changes something or leads to a change (users, removal, every POST).
        case adminChange
    }

    /// The decision for `principal` on a route of kind `route`; `readGuarded` when a page password is set.
    public static func decide(_ route: Route, _ principal: Principal, readGuarded: Bool) -> AccessDecision {
        switch (route, principal) {
        case (.open, _): .allow
        case (.read, .anonymous): readGuarded ? .unauthenticated : .allow
        case (.read, _): .allow
        case (.adminView, .account): .allow
        case (.adminChange, .account(let account)): account.role == .admin ? .allow : .forbidden
        case (.adminView, _), (.adminChange, _): .unauthenticated
        }
    }
}
