import CollectorRules
import DowntimeProtocol
import Foundation
import Synchronization

/// The status changes the collector records, pushed to every open event stream (`GET /api/v1/stream`).
/// Publishing never waits: each subscriber has a bounded buffer, and one that falls behind is dropped (its
/// stream ends; the browser reconnects and re-reads the page). The newest changes are kept so that a
/// reconnect within this run resumes where it stopped; a reconnect from another run is told to re-read.
public final class ChangeFeed: Sendable {
    /// One recorded change of a device's status.
    public struct Change: Sendable, Equatable {
        public var seq: Int
        public var device: String
        public var from: DeviceStatus?
        public var to: DeviceStatus
        public var at: Date
        /// A recorded flip; false for a change liveness shows without recording it (late, maintenance, another
        /// collector's flip, a pause by the CLI), seen by `observe`.
        public var recorded = true
    }

    /// What a subscriber receives.
    public enum Item: Sendable, Equatable {
        case change(Change)
        /// Nothing happened; the stream writes a comment so that proxies and the browser keep it open.
        case keepAlive
    }

    /// Where a new subscriber starts.
    public enum Start: Sendable, Equatable {
        /// At the present: nothing to replay.
        case now
        /// The changes it missed, oldest first.
        case replay([Change])
        /// Its position is from another run or too old: it re-reads what it shows.
        case reset
    }

    /// This run's prefix of event ids: a collector restart starts a new one.
    public let run: String
    let bufferSize: Int
    let kept: Int

    private struct State {
        var seq = 0
        var recent: [Change] = []
        var subscribers: [Int: AsyncStream<Item>.Continuation] = [:]
        var nextSubscriber = 0
        var closed = false
        /// The status each device was last told as (by a flip or by `observe`).
        var told: [String: DeviceStatus] = [:]
    }
    private let state = Mutex(State())

    /// A run id: the start time in milliseconds and a random part (two runs in one millisecond differ too).
    public static func runID(startedAt: Date) -> String {
        String(Int64(startedAt.timeIntervalSince1970 * 1000), radix: 36)
            + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    public init(run: String, bufferSize: Int = 64, kept: Int = 512) {
        self.run = run
        self.bufferSize = bufferSize
        self.kept = kept
    }

    /// The id of the newest change (or of the start of this run): where a page rendered now stands.
    public var position: String { "\(run)-\(state.withLock { $0.seq })" }

    /// The SSE id of `change`.
    public func id(_ change: Change) -> String { "\(run)-\(change.seq)" }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Hands recorded flips to every subscriber; a subscriber whose buffer is full is dropped.
    public func publish(_ flips: [FlipChange]) {
        guard !flips.isEmpty else { return }
        // Finished outside the lock: finishing runs the stream's termination handler, which takes it too.
        let dropped = state.withLock { s in
            var dropped: [AsyncStream<Item>.Continuation] = []
            for f in flips {
                guard case .flip(let r) = f.event.payload else { continue }
                s.seq += 1
                let c = Change(
                    seq: s.seq, device: f.device, from: r.from, to: f.status,
                    at: f.event.at)
                s.told[f.device] = f.status
                dropped += Self.send(c, to: &s)
            }
            if s.recent.count > kept { s.recent.removeFirst(s.recent.count - kept) }
            return dropped
        }
        for sub in dropped { sub.finish() }
    }

    /// Keeps `change` for replay and yields it to every subscriber; returns the ones whose buffer was full
    /// (taken off the list here, finished by the caller outside the lock).
    private static func send(_ change: Change, to s: inout State) -> [AsyncStream<Item>.Continuation] {
        s.recent.append(change)
        var dropped: [AsyncStream<Item>.Continuation] = []
        for (id, sub) in s.subscribers {
            if case .dropped = sub.yield(.change(change)) {
                s.subscribers[id] = nil
                dropped.append(sub)
            }
        }
        return dropped
    }

    /// Hands on the live statuses that differ from what was last told (late, maintenance, a pause by the CLI,
    /// another collector's flip); a device seen the first time is only noted. Returns how many were told.
    @discardableResult
    public func observe(_ statuses: [String: DeviceStatus], at: Date) -> Int {
        let (told, dropped) = state.withLock { s in
            var dropped: [AsyncStream<Item>.Continuation] = []
            var told = 0
            for (device, status) in statuses {
                guard let before = s.told.updateValue(status, forKey: device), before != status else { continue }
                told += 1
                s.seq += 1
                let c = Change(seq: s.seq, device: device, from: before, to: status, at: at, recorded: false)
                dropped += Self.send(c, to: &s)
            }
            if s.recent.count > kept { s.recent.removeFirst(s.recent.count - kept) }
            return (told, dropped)
        }
        for sub in dropped { sub.finish() }
        return told
    }

    /// Opens a subscription after `lastID` (an SSE id this feed gave, or nil for "now").
    /// The stream ends when the subscriber is dropped or the feed is closed.
    public func subscribe(after lastID: String?)
        -> (start: Start, stream: AsyncStream<Item>, continuation: AsyncStream<Item>.Continuation)
    {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Item.self,
            bufferingPolicy: .bufferingOldest(bufferSize))
        let (start, id): (Start, Int?) = state.withLock { s in
            guard !s.closed else { return (.now, nil) }
            let id = s.nextSubscriber
            s.nextSubscriber += 1
            s.subscribers[id] = continuation
            return (Self.start(after: lastID, run: run, seq: s.seq, recent: s.recent), id)
        }
        guard let id else {
            continuation.finish()
            return (start, stream, continuation)
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return (start, stream, continuation)
    }

    /// Where a subscriber after `lastID` starts, given this run's newest `seq` and the kept `recent` changes (pure).
    static func start(after lastID: String?, run: String, seq: Int, recent: [Change]) -> Start {
        guard let lastID else { return .now }
        guard let dash = lastID.lastIndex(of: "-"), lastID[..<dash] == run,
            let n = Int(lastID[lastID.index(after: dash)...]),
            n <= seq
        else { return .reset }
        if n == seq { return .now }
        // Changes n+1 ... seq must all still be kept.
        guard let oldest = recent.first?.seq, oldest <= n + 1 else { return .reset }
        return .replay(recent.filter { $0.seq > n })
    }

    /// Ends every stream (the collector is shutting down) and refuses new ones.
    public func close() {
        let subs = state.withLock { s in
            s.closed = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for sub in subs { sub.finish() }
    }
}
