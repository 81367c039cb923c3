import Foundation
import Synchronization

/// A store call that got no answer within its deadline: the database is away or stuck. Classified as
/// `StoreFault.unavailable`, so the client gets 503 with `Retry-After` at once instead of a held request.
public struct StoreTimeout: Error, Sendable, Equatable, CustomStringConvertible {
    public let seconds: Double

    public var description: String { "no answer from the database within \(Self.format(seconds)) s" }

    static func format(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }

    /// Runs `body`, or throws `StoreTimeout` after `seconds` and cancels it. Unstructured on purpose: a
    /// statement on a connection the server dropped may never finish, even when cancelled, and a task
    /// group would wait for it; the caller gets its answer in time and the stuck call is left behind.
    static func bounded<T: Sendable>(
        _ seconds: Double, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        let work = Task {
            do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: .seconds(seconds))
            race.finish(.failure(StoreTimeout(seconds: seconds)))
            work.cancel()
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { race.wait($0) }
        } onCancel: {
            race.finish(.failure(CancellationError()))
            work.cancel()
        }
    }

    /// The first of the body's outcome, the deadline and a cancellation; the others are ignored.
    private final class Race<T: Sendable>: Sendable {
        private enum State {
            case open(CheckedContinuation<T, any Error>?)
            case decided(Result<T, any Error>)
            case told
        }
        private let state = Mutex(State.open(nil))

        func wait(_ c: CheckedContinuation<T, any Error>) {
            state.withLock { s in
                if case .decided(let result) = s {
                    c.resume(with: result)
                    s = .told
                } else {
                    s = .open(c)
                }
            }
        }

        func finish(_ result: Result<T, any Error>) {
            state.withLock { s in
                guard case .open(let waiting) = s else { return }
                if let waiting {
                    waiting.resume(with: result)
                    s = .told
                } else {
                    s = .decided(result)
                }
            }
        }
    }
}
