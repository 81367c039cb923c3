import Glibc

/// `tcp:HOST:PORT`: a connection accepted within the timeout (each address of the name tried in turn).
/// The name lookup uses the system's resolver and is not bounded by the timeout.
enum TCPProbe {
    static func run(host: String, port: Int, timeout: Double) -> CheckRun {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            return .failing("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(first) }
        let deadline = Monotonic.now() + timeout
        var problem = "no address"
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            next = info.pointee.ai_next
            switch connect(info.pointee, until: deadline) {
            case nil: return .ok("connected to \(host):\(port)")
            case let failure?: problem = failure
            }
        }
        return .failing("\(host):\(port): \(problem)")
    }

    /// Nil when connected; else why not.
    private static func connect(_ info: addrinfo, until deadline: Double) -> String? {
        let fd = socket(info.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer { close(fd) }
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        while true {
            let left = deadline - Monotonic.now()
            guard left > 0 else { return "no answer within the timeout" }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(left, 3_600) * 1000) + 1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else {
                return ready == 0 ? "no answer within the timeout" : String(cString: strerror(errno))
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else {
                return String(cString: strerror(errno))
            }
            return error == 0 ? nil : String(cString: strerror(error))
        }
    }
}
