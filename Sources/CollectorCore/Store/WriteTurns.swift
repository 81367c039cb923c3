import Synchronization

/// One holder at a time, the others waiting in the order they came: a SQLite transaction spans several awaits
/// (one per statement, `SQLiteExecutor`), across which GRDB's serial writer cannot hold it by itself.
final class WriteTurns: Sendable {
    private struct State {
        var taken = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Runs `body` once the turns before it are done, and hands the turn on when it ends.
    func take<T>(_ body: () async throws -> T) async throws -> T {
        await wait()
        defer { handOn() }
        return try await body()
    }

    private func wait() async {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let free = state.withLock { s in
                if s.taken {
                    s.waiting.append(turn)
                    return false
                }
                s.taken = true
                return true
            }
            if free { turn.resume() }
        }
    }

    private func handOn() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.waiting.isEmpty else {
                s.taken = false
                return nil
            }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
