/// Who may log in, who is logged in and which API keys hold: one part of the `Collector`.
public final class Access: Sendable {
    public let users: Users
    public let sessions: AdminSessions
    public let keys: APIKeys

    init(store: any AccountStore, clock: any WallClock, builtInHash: String?) {
        users = Users(store: store, clock: clock, builtInHash: builtInHash)
        sessions = AdminSessions(users: users, clock: clock)
        keys = APIKeys(store: store, clock: clock)
    }
}
