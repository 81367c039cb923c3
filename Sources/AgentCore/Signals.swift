import Glibc

/// SIGTERM / SIGINT as a value to wait for instead of a handler: the signals are blocked and the
/// main loop sleeps in `sigtimedwait`, so a stop request wakes it at once and nothing runs async.
public struct StopSignals: Sendable {
    private var set = sigset_t()

    /// Blocks the signals; call before any thread starts so that all threads inherit the mask.
    public init() {
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        var s = set
        pthread_sigmask(SIG_BLOCK, &s, nil)
    }

    /// Sleeps up to `seconds`; true if a stop signal arrived.
    public func wait(_ seconds: Double) -> Bool {
        var s = set
        var timeout = timespec(
            tv_sec: Int(max(0, seconds)), tv_nsec: Int((max(0, seconds).truncatingRemainder(dividingBy: 1)) * 1e9))
        while true {
            let sig = sigtimedwait(&s, nil, &timeout)
            if sig == SIGTERM || sig == SIGINT { return true }
            if sig < 0 && errno == EINTR { continue }
            return false
        }
    }
}
