import CMosquitto
import Foundation
import Synchronization

/// A libmosquitto client on a thread of its own: that thread alone calls the library (connect, loop, publish),
/// so the rest of the process only queues messages and reads events. The link retries with backoff forever;
/// a refused login or an absent broker is an event, never an error thrown at the caller.
public final class MQTTConnection: MQTTLink, @unchecked Sendable {
    // @unchecked: `handle` is touched only by the connection's thread; everything shared is in `shared`.
    public let events: AsyncStream<MQTTLinkEvent>
    private let continuation: AsyncStream<MQTTLinkEvent>.Continuation
    private let options: MQTTOptions
    private var handle: OpaquePointer?

    private struct Shared {
        var pending: PendingMessages
        var subscriptions: [String] = []
        var newSubscriptions: [String] = []
        var connected = false
        var stopping = false
        var started = false
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let shared: Mutex<Shared>

    private static let libraryReady: Bool = {
        mosquitto_lib_init()
        return true
    }()

    public init(_ options: MQTTOptions) {
        self.options = options
        (events, continuation) = AsyncStream.makeStream(of: MQTTLinkEvent.self, bufferingPolicy: .bufferingNewest(1024))
        shared = Mutex(Shared(pending: PendingMessages(limit: options.maxPending)))
    }

    public var isConnected: Bool { shared.withLock { $0.connected } }
    public var dropped: Int { shared.withLock { $0.pending.dropped } }

    public func start() {
        let first = shared.withLock { s in
            defer { s.started = true }
            return !s.started
        }
        guard first else { return }
        let thread = Thread { [self] in run() }
        thread.name = "mqtt"
        thread.start()
    }

    public func publish(_ message: MQTTMessage) {
        shared.withLock { $0.pending.add(message) }
    }

    public func subscribe(_ topic: String) {
        shared.withLock { s in
            guard !s.subscriptions.contains(topic) else { return }
            s.subscriptions.append(topic)
            s.newSubscriptions.append(topic)
        }
    }

    public func stop() async {
        let running = shared.withLock { s in
            s.stopping = true
            return s.started && !s.finished
        }
        guard running else {
            continuation.finish()
            return
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let already = shared.withLock { s in
                if !s.finished { s.waiters.append(c) }
                return s.finished
            }
            if already { c.resume() }
        }
    }

    // MARK: the connection's thread

    private func run() {
        _ = Self.libraryReady
        handle = mosquitto_new(options.clientID, true, Unmanaged.passUnretained(self).toOpaque())
        if let handle { configure(handle) }
        var delay = options.backoff.lowerBound
        var tcpUp = false
        var everConnected = false
        var lastReason: String?
        func down(_ reason: String) {
            tcpUp = false
            let was = shared.withLock { s in
                defer { s.connected = false }
                return s.connected
            }
            if was || reason != lastReason { continuation.yield(.disconnected(reason: reason)) }
            lastReason = reason
        }
        while let handle, !shared.withLock({ $0.stopping }) {
            if !tcpUp {
                let rc =
                    everConnected
                    ? mosquitto_reconnect(handle)
                    : mosquitto_connect(
                        handle, options.host, Int32(options.port), Int32(options.keepAlive))
                if rc == Int32(MOSQ_ERR_SUCCESS.rawValue) {
                    tcpUp = true
                    everConnected = true
                } else {
                    down(Self.describe(rc))
                    sleep(delay)
                    delay = min(delay * 2, options.backoff.upperBound)
                    continue
                }
            }
            let busy = !shared.withLock { $0.pending.isEmpty }
            let rc = mosquitto_loop(handle, busy ? 0 : 100, 1)
            guard rc == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
                down(refusal ?? Self.describe(rc))
                refusal = nil
                sleep(delay)
                delay = min(delay * 2, options.backoff.upperBound)
                continue
            }
            if isConnected {
                delay = options.backoff.lowerBound
                lastReason = nil
                sendPending(handle)
            }
        }
        finish(tcpUp: tcpUp)
    }

    /// Once stopped: what is queued goes out if connected, the library's handle is freed, the events end and
    /// every `stop()` returns.
    private func finish(tcpUp: Bool) {
        if let handle {
            if tcpUp && isConnected { flushAndDisconnect(handle) }
            mosquitto_destroy(handle)
        }
        self.handle = nil
        continuation.finish()
        let waiters = shared.withLock { s in
            s.finished = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Set by the connect callback when the broker refuses the login: the loop's error names it.
    private var refusal: String?

    private func configure(_ handle: OpaquePointer) {
        if let user = options.username { mosquitto_username_pw_set(handle, user, options.password) }
        if options.tls {
            mosquitto_tls_set(handle, options.caFile, options.caFile == nil ? "/etc/ssl/certs" : nil, nil, nil, nil)
        }
        if let will = options.will {
            will.payload.withUnsafeBytes { bytes in
                _ = mosquitto_will_set(handle, will.topic, Int32(bytes.count), bytes.baseAddress, 1, will.retain)
            }
        }
        mosquitto_connect_callback_set(handle) { _, object, rc in
            guard let object else { return }
            Unmanaged<MQTTConnection>.fromOpaque(object).takeUnretainedValue().connected(rc)
        }
        mosquitto_message_callback_set(handle) { _, object, message in
            guard let object, let message, let topic = message.pointee.topic else { return }
            let count = Int(message.pointee.payloadlen)
            let bytes: [UInt8] =
                if let p = message.pointee.payload, count > 0 {
                    Array(UnsafeRawBufferPointer(start: p, count: count))
                } else { [] }
            Unmanaged<MQTTConnection>.fromOpaque(object).takeUnretainedValue()
                .continuation.yield(.message(topic: String(cString: topic), payload: bytes))
        }
    }

    /// The CONNACK: 0 is a session; anything else is a refusal the broker closes the connection after.
    private func connected(_ rc: Int32) {
        guard rc == 0 else {
            refusal = "refused by the broker: " + String(cString: mosquitto_connack_string(rc))
            return
        }
        let topics = shared.withLock { s in
            s.connected = true
            s.newSubscriptions = []
            return s.subscriptions
        }
        if let handle { for t in topics { mosquitto_subscribe(handle, nil, t, 0) } }
        continuation.yield(.connected)
    }

    /// Writes queued messages while the socket takes them (the rest waits, newest per topic).
    private func sendPending(_ handle: OpaquePointer) {
        for t in shared.withLock({ s in
            defer { s.newSubscriptions = [] }
            return s.newSubscriptions
        }) { mosquitto_subscribe(handle, nil, t, 0) }
        while !mosquitto_want_write(handle) {
            guard let m = shared.withLock({ $0.pending.next() }) else { return }
            let rc = m.payload.withUnsafeBytes { bytes in
                mosquitto_publish(handle, nil, m.topic, Int32(bytes.count), bytes.baseAddress, 0, m.retain)
            }
            if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) { return }
        }
    }

    /// On stop: what is queued goes out (for at most 2 s), then a clean disconnect, so no last will is sent.
    private func flushAndDisconnect(_ handle: OpaquePointer) {
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline {
            sendPending(handle)
            let empty = shared.withLock { $0.pending.isEmpty }
            if empty && !mosquitto_want_write(handle) { break }
            if mosquitto_loop(handle, 10, 1) != Int32(MOSQ_ERR_SUCCESS.rawValue) { return }
        }
        mosquitto_disconnect(handle)
        _ = mosquitto_loop(handle, 10, 1)
    }

    /// Sleeps `seconds`, waking early when the connection is stopped.
    private func sleep(_ seconds: Double) {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until, !shared.withLock({ $0.stopping }) {
            Thread.sleep(forTimeInterval: min(0.1, until.timeIntervalSinceNow))
        }
    }

    private static func describe(_ rc: Int32) -> String {
        if rc == Int32(MOSQ_ERR_ERRNO.rawValue) {
            return String(cString: strerror(errno))
        }
        return String(cString: mosquitto_strerror(rc))
    }
}
