import Logging
import Synchronization

/// Whether this collector runs the sweep's flips, the notifications and the housekeeping: always with
/// SQLite; with PostgreSQL, the one holding the advisory lock (see `LeaderLock`).
public final class Leadership: Sendable {
    let lock: any LeaderLock
    /// False with a store only this collector uses: then it leads from the start.
    let shared: Bool
    private let leading: Mutex<Bool>

    init(store: any Store, logger: Logger) {
        let shared = store as? any SharedStore
        self.lock = shared?.makeLeaderLock(logger: logger) ?? SoleLeader()
        self.shared = shared != nil
        self.leading = Mutex(shared == nil)
    }

    /// True while this collector leads, as of the last `refresh`.
    public var isLeading: Bool { leading.withLock { $0 } }

    /// Asks the lock (taking the lead when it is free) and returns whether this collector leads now.
    @discardableResult
    func refresh() async -> Bool {
        let now = await lock.holdsLead()
        leading.withLock { $0 = now }
        return now
    }

    /// Gives the lead up (at shutdown, or in tests to simulate a death).
    public func release() async {
        await lock.release()
    }
}
