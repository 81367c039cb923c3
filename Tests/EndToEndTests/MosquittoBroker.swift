import Foundation
import Synchronization
import Testing

/// A real `mosquitto` (Debian's) on a loopback port, without persistence: a restart loses every retained message.
final class MosquittoBroker {
    let port: Int
    let dir: String
    let user = "dtm"
    let password: String
    /// With TLS: the CA file that signed the broker's certificate (made with openssl here), and its name.
    private(set) var caFile: String?
    private var process: Process?

    init(password: String = "broker-secret", tls: Bool = false) throws {
        port = freeLoopbackPort()
        dir = try Binaries.tempDir("mosquitto")
        self.password = password
        let passwd = dir + "/passwd"
        let r = try Binaries.run("/usr/bin/mosquitto_passwd", ["-b", "-c", passwd, user, password])
        guard r.status == 0 else { throw BrokerError(text: "mosquitto_passwd: \(r.err)") }
        var conf = [
            "listener \(port) 127.0.0.1", "persistence false", "allow_anonymous false",
            "password_file \(passwd)", "user root", "log_dest stdout",
        ]
        if tls {
            try makeCertificates()
            conf += ["cafile \(dir)/ca.pem", "certfile \(dir)/server.pem", "keyfile \(dir)/server.key"]
            caFile = dir + "/ca.pem"
        }
        try conf.joined(separator: "\n").appending("\n").write(
            toFile: dir + "/m.conf", atomically: true, encoding: .utf8)
        try start()
    }

    /// A CA and a server certificate for `localhost` (the name libmosquitto checks).
    private func makeCertificates() throws {
        let steps: [[String]] = [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=dtm test CA",
                "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem",
            ],
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "\(dir)/server.key",
                "-out", "\(dir)/server.csr",
            ],
            [
                "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key",
                "-CAcreateserial", "-days", "2", "-out", "\(dir)/server.pem", "-extfile", "\(dir)/san.cnf",
            ],
        ]
        try "subjectAltName=DNS:localhost\n".write(toFile: dir + "/san.cnf", atomically: true, encoding: .utf8)
        for args in steps {
            let r = try Binaries.run("/usr/bin/openssl", args)
            guard r.status == 0 else { throw BrokerError(text: "openssl \(args[0]): \(r.err)") }
        }
    }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        p.arguments = ["-c", dir + "/m.conf"]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        process = p
        let deadline = Date() + 10
        while Date() < deadline {
            if Self.accepts(port) { return }
            usleep(50_000)
        }
        throw BrokerError(text: "mosquitto did not listen on \(port)")
    }

    /// kill -9: no goodbye to anyone, and (without persistence) every retained message gone.
    func kill9() {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Publishes as a client would (Home Assistant's birth message, for one).
    func publish(_ topic: String, _ text: String) throws {
        let r = try Binaries.run(
            "/usr/bin/mosquitto_pub",
            ["-h", "127.0.0.1", "-p", "\(port)", "-u", user, "-P", password, "-t", topic, "-m", text])
        guard r.status == 0 else { throw BrokerError(text: "mosquitto_pub: \(r.err)") }
    }

    deinit {
        kill9()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

struct BrokerError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// A subscriber (`mosquitto_sub`) to every topic, keeping each message with its retain flag and the time it came.
final class MQTTWatch {
    struct Message: Sendable {
        var retained: Bool
        var topic: String
        var payload: String
        var at: Date
    }

    private let process = Process()
    private final class Lines: Sendable {
        let m = Mutex<(partial: String, messages: [Message])>(("", []))
    }
    private let lines = Lines()

    init(_ broker: MosquittoBroker, topic: String = "#", host: String = "127.0.0.1") throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        var args = [
            "-h", host, "-p", "\(broker.port)", "-u", broker.user, "-P", broker.password, "-t", topic, "-F",
            "%r|%t|%p",
        ]
        if let ca = broker.caFile { args += ["--cafile", ca] }
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        out.fileHandleForReading.readabilityHandler = { [lines] h in
            let d = h.availableData
            guard !d.isEmpty else { return }
            let now = Date()
            lines.m.withLock { s in
                s.partial += String(decoding: d, as: UTF8.self)
                while let nl = s.partial.firstIndex(of: "\n") {
                    let line = String(s.partial[..<nl])
                    s.partial = String(s.partial[s.partial.index(after: nl)...])
                    let parts = line.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
                    guard parts.count == 3 else { continue }
                    s.messages.append(
                        Message(retained: parts[0] == "1", topic: String(parts[1]), payload: String(parts[2]), at: now))
                }
            }
        }
        try process.run()
    }

    var messages: [Message] { lines.m.withLock { $0.messages } }

    func last(_ topic: String) -> Message? { messages.last { $0.topic == topic } }

    /// The newest message on `topic` that came as retained (the broker's stored one, sent on subscribing).
    func retained(_ topic: String) -> Message? { messages.last { $0.topic == topic && $0.retained } }

    /// The newest payload on `topic` as a JSON object.
    func json(_ topic: String) -> [String: Any]? {
        guard let m = last(topic), !m.payload.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(m.payload.utf8))) as? [String: Any]
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
