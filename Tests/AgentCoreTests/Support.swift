import CurlClient
import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// A fresh temporary folder, removed by `cleanup()`.
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "agentcore-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

/// Boot facts a test sets by hand.
final class FakeFacts: BootFacts {
    var boot = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    var wall = Date(timeIntervalSince1970: 1_795_335_123)
    var boottime = 1000.0
    var mono = 900.0
    var synced = true

    func bootID() throws(FileError) -> String { boot }
    func uptime() -> Double { boottime }
    func monotonic() -> Double { mono }
    func now() -> Date { wall }
    func clockSynced() -> Bool { synced }

    /// Time passes normally for `seconds` (no suspend, no jump).
    func advance(_ seconds: Double) {
        wall += seconds
        boottime += seconds
        mono += seconds
    }
}

/// A transport that answers from a script and records what it was sent.
final class FakeTransport: Transport {
    struct Request {
        var path: String
        var body: [UInt8]
        var bearer: String?
        var timeout: Double?
        /// The answer's status; nil when the "network" failed.
        var status: Int?
    }
    var requests: [Request] = []
    /// Decides each answer; default: heartbeats 200, events accepted, enroll gives a token.
    var respond: (Request) throws(CurlError) -> CurlResponse = FakeTransport.acceptAll
    var whileWaiting: (() -> Void)?

    func post(_ path: String, body: [UInt8], bearer: String?, timeout: Double?) throws(CurlError) -> CurlResponse {
        var r = Request(path: path, body: body, bearer: bearer, timeout: timeout)
        requests.append(r)
        do {
            let response = try respond(r)
            r.status = response.status
            requests[requests.count - 1] = r
            return response
        } catch {
            throw error
        }
    }

    static func acceptAll(_ r: Request) throws(CurlError) -> CurlResponse {
        switch r.path {
        case "/api/v1/events":
            let batch = try! WireCoding.decode(EventBatch.self, from: r.body)
            return CurlResponse(
                status: 200, body: try! WireCoding.encode(EventBatchReply(accepted: batch.events.map(\.id))))
        case "/api/v1/heartbeat":
            let beat = try! WireCoding.decode(Heartbeat.self, from: r.body)
            return CurlResponse(
                status: 200,
                body: try! WireCoding.encode(HeartbeatReply(serverTime: beat.sentAt, intervalS: beat.intervalS)))
        case "/api/v1/enroll":
            return CurlResponse(status: 200, body: Array(#"{"token":"enrolled-token-123"}"#.utf8))
        default:
            return CurlResponse(status: 404, body: Array(#"{"error":"not found"}"#.utf8))
        }
    }

    /// Events the collector answered with a 2xx, in the order they were sent.
    var sentEvents: [Event] {
        requests.filter { $0.path == "/api/v1/events" && ($0.status ?? 0) / 100 == 2 }.flatMap {
            try! WireCoding.decode(EventBatch.self, from: $0.body).events
        }
    }
    var heartbeats: [Heartbeat] {
        requests.filter { $0.path == "/api/v1/heartbeat" }.map { try! WireCoding.decode(Heartbeat.self, from: $0.body) }
    }
}

/// Collects log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    var lines: [String] { lock.withLock { _lines } }
    var log: Log { Log(maxLevel: .debug, sink: { [self] line in lock.withLock { _lines.append(line) } }) }
}

/// A small HTTP/1.1 server in python3 on 127.0.0.1 (real sockets for the real libcurl): it logs
/// every request with its connection number, and answers from `script.json` (path → status,
/// body, delay), which a test may rewrite between requests.
final class TestHTTPServer {
    let dir: TempDir
    let process = Process()
    private(set) var port = 0
    var url: String { (tls ? "https" : "http") + "://127.0.0.1:\(port)" }
    let tls: Bool

    static let script = #"""
        import http.server, json, os, signal, socketserver, ssl, sys, threading, time, itertools
        # Spawned from a test thread, this process inherits a mask blocking most signals: undo it.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        here = sys.argv[1]
        conn_ids = itertools.count(1)
        lock = threading.Lock()
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def setup(self):
                super().setup()
                self.conn = next(conn_ids)
            def log_message(self, *a): pass
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n).decode()
                with lock:
                    with open(os.path.join(here, "requests.jsonl"), "a") as f:
                        f.write(json.dumps({"conn": self.conn, "path": self.path, "body": body,
                            "auth": self.headers.get("Authorization"), "ctype": self.headers.get("Content-Type")}) + "\n")
                try:
                    script = json.load(open(os.path.join(here, "script.json")))
                except Exception:
                    script = {}
                status, reply, delay = script.get(self.path, [200, "{}", 0])
                time.sleep(delay)
                data = reply.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_GET(self):
                self.do_POST()
        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
        srv = S(("127.0.0.1", 0), H)
        if len(sys.argv) > 2:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[2], sys.argv[3])
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        print(srv.server_address[1], flush=True)
        parent = os.getppid()
        def watch():
            # Never outlive the test process, even when it crashes.
            while os.getppid() == parent:
                time.sleep(0.2)
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        srv.serve_forever()
        """#

    init(tls: Bool = false) throws {
        self.tls = tls
        dir = TempDir()
        try Self.script.write(toFile: dir.file("server.py"), atomically: true, encoding: .utf8)
        var args = [dir.file("server.py"), dir.path]
        if tls {
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"),
            ]
            openssl.standardError = FileHandle.nullDevice
            openssl.standardOutput = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            args += [dir.file("cert.pem"), dir.file("key.pem")]
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is the port; readLine-style loop bounded by the pipe closing.
        var text = ""
        while !text.hasSuffix("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        if port == 0 {
            stop()
            throw CurlError("test server did not start")
        }
    }

    var caFile: String { dir.file("cert.pem") }

    /// Sets the answer for a path: status, body, delay in seconds.
    func answer(_ path: String, status: Int, body: String = "{}", delay: Double = 0) throws {
        var script =
            (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("script.json")))))
            as? [String: Any] ?? [:]
        script[path] = [status, body, delay]
        try JSONSerialization.data(withJSONObject: script).write(to: URL(fileURLWithPath: dir.file("script.json")))
    }

    struct Seen: Decodable {
        var conn: Int
        var path: String
        var body: String
        var auth: String?
        var ctype: String?
    }

    var requests: [Seen] {
        guard let text = try? String(contentsOfFile: dir.file("requests.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { try! JSONDecoder().decode(Seen.self, from: Data($0.utf8)) }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        dir.cleanup()
    }
}

/// The real file system with faults switched on by the test: while `fault` is set, every write,
/// removal, folder sync and creation of a missing folder fails with that errno (EROFS, ENOSPC, EIO);
/// reads work, as they do on a read-only or full card.
final class FaultyFileSystem: FileSystem, @unchecked Sendable {
    private let lock = NSLock()
    private var _fault: Int32?
    private var _failures = 0
    private let real = PosixFileSystem()
    var fault: Int32? {
        get { lock.withLock { _fault } }
        set { lock.withLock { _fault = newValue } }
    }
    /// How many calls failed: shows how often the agent touched the failing disk.
    var failures: Int { lock.withLock { _failures } }

    private func check(_ op: String, _ path: String) throws(FileError) {
        guard let code = fault else { return }
        lock.withLock { _failures += 1 }
        throw FileError(op, path, code: code)
    }

    func read(_ path: String) throws(FileError) -> [UInt8]? { try real.read(path) }
    func list(_ path: String) throws(FileError) -> [String] { try real.list(path) }
    func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileError) {
        try check("create", path + ".tmp")
        try real.writeAtomically(bytes, to: path, mode: mode)
    }
    func remove(_ path: String, sync: Bool) throws(FileError) {
        try check("unlink", path)
        try real.remove(path, sync: sync)
    }
    func syncDirectory(of path: String) throws(FileError) {
        try check("fsync", path)
        try real.syncDirectory(of: path)
    }
    func makeDirectory(_ path: String, mode: mode_t) throws(FileError) {
        if !FileIO.exists(path) { try check("mkdir", path) }
        try real.makeDirectory(path, mode: mode)
    }
}
