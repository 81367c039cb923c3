import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking TCP connection to a NUT server, with timeouts on connect, send and receive so that a
/// dead server costs at most a few seconds of the poller's own thread (never a Swift task's).
final class NUTConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(host: String, port: Int, timeout: TimeInterval) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw NUTFailure("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let address = ai {
            ai = address.pointee.ai_next
            let socketFD = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if socketFD < 0 {
                lastError = FileProblem.text(errno)
                continue
            }
            if let problem = Self.connect(
                socketFD, address.pointee.ai_addr, address.pointee.ai_addrlen,
                timeout: timeout)
            {
                close(socketFD)
                lastError = problem
                continue
            }
            var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
            setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            fd = socketFD
            return
        }
        throw NUTFailure("cannot connect to \(host):\(port): \(lastError)")
    }

    deinit { close(fd) }

    /// A non-blocking connect waited on with poll: a black-holed address fails after `timeout`.
    private static func connect(
        _ s: Int32, _ addr: UnsafePointer<sockaddr>, _ len: socklen_t,
        timeout: TimeInterval
    ) -> String? {
        let flags = fcntl(s, F_GETFL)
        _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(s, F_SETFL, flags) }
        if Glibc.connect(s, addr, len) == 0 { return nil }
        guard errno == EINPROGRESS else { return FileProblem.text(errno) }
        var pollEntry = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&pollEntry, 1, Int32(timeout * 1000))
        if ready == 0 { return "timed out" }
        if ready < 0 { return FileProblem.text(errno) }
        var err: Int32 = 0
        var errLen = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &errLen)
        return err == 0 ? nil : FileProblem.text(err)
    }

    /// Sends one request line and reads one reply line.
    func request(_ words: [String]) throws -> NUTReply {
        try send(words.map(NUTReply.quote).joined(separator: " ") + "\n")
        return try NUTReply.parse(readLine())
    }

    private func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw NUTFailure(errno == EAGAIN ? "send timed out" : "send failed: \(FileProblem.text(errno))")
            }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// One line without its newline; upsd's lines are short, so a runaway one is refused.
    private func readLine() throws -> String {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<nl], as: UTF8.self)
                buffer.removeSubrange(...nl)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard buffer.count < 64 * 1024 else { throw NUTFailure("reply line too long") }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { throw NUTFailure("the server closed the connection") }
            if received < 0 {
                if errno == EINTR { continue }
                throw NUTFailure(
                    errno == EAGAIN ? "no answer (timed out)" : "receive failed: \(FileProblem.text(errno))")
            }
            buffer += chunk[..<received]
        }
    }
}
