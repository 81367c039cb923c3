/// Who may log in and who is logged in: the users and their stored sessions, one part of the `Collector`.
public final class Access: Sendable {
    public let users: Users
    public let sessions: AdminSessions

    init(store: any AccountStore, clock: any WallClock, builtInHash: String?) {
        users = Users(store: store, clock: clock, builtInHash: builtInHash)
        sessions = AdminSessions(users: users, clock: clock)
    }
}
