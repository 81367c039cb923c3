import Foundation

/// A webhook receiver (python3's http.server): every POST body one line of `lines`.
final class WebhookReceiver {
    let process = Process()
    let port: Int
    private let log = OutputLog()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers['Content-Length']))
                    self.send_response(200); self.end_headers()
                    print(body.decode().replace('\\n', ' '), flush=True)
                def log_message(self, *a): pass
            s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """,
        ]
        let out = Pipe()
        process.standardOutput = out
        // Not the test's own stderr: a receiver left behind would hold `swift test` open.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var first = ""
        let deadline = Date() + 10
        while !first.contains("\n"), Date() < deadline {
            first += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        port = Int(first.split(separator: "\n").first ?? "") ?? 0
        log.append(first.split(separator: "\n", maxSplits: 1).dropFirst().joined())
        out.fileHandleForReading.readabilityHandler = { [log] h in
            let d = h.availableData
            if !d.isEmpty { log.append(String(decoding: d, as: UTF8.self)) }
        }
    }

    /// The bodies received so far.
    var lines: [String] { log.text.split(separator: "\n").map(String.init) }

    // SIGKILL: the test process's threads block SIGTERM, and a child inherits that mask.
    deinit { kill(process.processIdentifier, SIGKILL) }
}
