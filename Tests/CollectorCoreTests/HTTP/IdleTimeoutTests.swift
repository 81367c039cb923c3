import CollectorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking loopback socket, to hold a connection open the way an idle or stalled client does.
struct RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard r == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0) // a hung test ends rather than blocks
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer {
            Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL))
        }
    }

    /// Reads until the server closes; returns what came, how long it took, and whether it was the server's
    /// close (end of stream or reset) rather than our own receive timeout.
    func readUntilClosed() -> (text: String, seconds: Double, closed: Bool) {
        let start = ContinuousClock.now
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        var closed = false
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n > 0 {
                out += buf[0..<n]
                continue
            }
            closed = n == 0 || errno == ECONNRESET
            break
        }
        let d = ContinuousClock.now - start
        return (
            String(decoding: out, as: UTF8.self),
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18, closed
        )
    }

    func close() { _ = Glibc.close(fd) }
}

@Suite struct IdleTimeoutTests {
    @Test func idleAndStalledConnectionsAreClosed() async throws {
        var config = CollectorConfig()
        config.host = "127.0.0.1"
        config.port = 0
        config.idleTimeout = 0.5
        let h = try await Harness.make(config: config)
        let app = buildApplication(h.collector)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Kept alive after one answer, then silent.
            let idle = try RawSocket(port: port)
            defer { idle.close() }
            idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            // Bounds are loose: `make test` runs suites in parallel on two cores. Without the idle timeout
            // nothing closes these, and the 30 s receive timeout reports closed == false.
            let (text, seconds, closed) = idle.readUntilClosed()
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(closed && seconds >= 0.4 && seconds < 25, "closed: \(closed) after \(seconds) s")
            // A body that stops coming.
            let stalled = try RawSocket(port: port)
            defer { stalled.close() }
            stalled.send(
                "POST /api/v1/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer dtm_x\r\nContent-Length: 500\r\n\r\n{\"device\":")
            let stalledEnd = stalled.readUntilClosed()
            #expect(
                stalledEnd.closed && stalledEnd.seconds >= 0.4 && stalledEnd.seconds < 25,
                "closed: \(stalledEnd.closed) after \(stalledEnd.seconds) s")
            // The server itself is fine (on a new connection: the test client's own one was idle too).
            let fresh = try RawSocket(port: port)
            defer { fresh.close() }
            fresh.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(fresh.readUntilClosed().text.hasPrefix("HTTP/1.1 200"))
        }
    }
}
