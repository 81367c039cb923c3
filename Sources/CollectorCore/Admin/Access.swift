import CollectorRules
import Logging

/// Who may log in, who is logged in, which API keys hold and whom a reverse proxy names: one part of the
/// `Collector`.
public final class Access: Sendable {
    public let users: Users
    public let sessions: AdminSessions
    public let keys: APIKeys
    public let proxy: ProxyAccounts

    init(store: any AccountStore, clock: any WallClock, builtInHash: String?, proxyLogin: ProxyLogin?, logger: Logger) {
        users = Users(store: store, clock: clock, builtInHash: builtInHash)
        sessions = AdminSessions(users: users, clock: clock)
        keys = APIKeys(store: store, clock: clock)
        proxy = ProxyAccounts(login: proxyLogin, users: users, logger: logger)
    }
}
