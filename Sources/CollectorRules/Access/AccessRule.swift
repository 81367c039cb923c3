/// Who may call what (docs/DESIGN.md "Who may call what"), as pure functions of the route's kind and the caller.
public enum AccessRule {
    /// The kinds of routes, by what they show or change.
    public enum Route: Sendable, Equatable {
        /// Agents' writes, pings, the health check, the reporter script, the login form, the public status pages:
        /// open to all (they carry their own tokens or passwords, or have nothing to hide).
        case open
        /// The pages and badges.
        case read
        /// The read API (`/api/v1/...` but the agents' writes) and `/metrics`: API keys count here.
        case readAPI
        /// An admin page that only shows (the device list, a device's settings).
        case adminView
        /// An admin page or form that changes something or leads to a change (users, removal, every POST).
        case adminChange
    }

    /// The decision for `principal` on a route of kind `route`; `readGuarded` when a page password is set.
    public static func decide(_ route: Route, _ principal: Principal, readGuarded: Bool) -> AccessDecision {
        switch (route, principal) {
        case (.open, _): .allow
        case (_, .rejected): .unauthenticated
        // A key opens the API and metrics, not the pages.
        case (.read, .apiKey): .unauthenticated
        case (.read, .anonymous), (.readAPI, .anonymous): readGuarded ? .unauthenticated : .allow
        case (.read, _), (.readAPI, _): .allow
        case (.adminView, .account): .allow
        case (.adminChange, .account(let account)): account.role == .admin ? .allow : .forbidden
        case (.adminView, _), (.adminChange, _): .unauthenticated
        }
    }
}
