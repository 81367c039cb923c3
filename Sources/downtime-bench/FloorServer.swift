import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// `downtime-bench floor-server --port N`: the floor the collector's ingest is measured against (issue 33).
/// A bare Hummingbird 2 server that reads a heartbeat body, decodes it with the collector's own decoder
/// (`WireCoding`) and answers 200 with a fixed body; no token, no rate limit, no state, no middleware.
/// The same HTTP/1 server setup as the collector's (idle timeout, server name), so the difference between the
/// two is what the collector does per beat.
enum FloorServer {
    struct Context: RequestContext {
        var coreContext: CoreRequestContextStorage
        init(source: Source) { coreContext = .init(source: source) }
    }

    static func run(_ arguments: [String]) async throws {
        let args = BenchArgs(arguments, known: ["host", "port"])
        let port = args.int("port", 8899)
        guard port <= 65_535 else { BenchArgs.fail("--port must be at most 65535, not \(port)") }
        var logger = Logger(label: "downtime-bench-floor")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: .init(address: .hostname(args.string("host", "127.0.0.1"), port: port), serverName: "floor"),
            onServerRunning: { channel in
                // Unbuffered: the benchmark waits for this line on a pipe.
                FileHandle.standardOutput.write(
                    Data("floor-server: listening on port \(channel.localAddress?.port ?? port)\n".utf8))
            },
            logger: logger)
        try await app.runService()
    }

    /// A heartbeat answer of the collector's shape, written once: the floor does not make its answer per request.
    static let reply = HeartbeatReply(serverTime: Date(timeIntervalSince1970: 1_796_000_000), intervalS: 10).wireBytes

    static func router() -> Router<Context> {
        let router = Router(context: Context.self)
        let limit = 64 * 1024 // the collector's default body limit
        router.post("api/v1/heartbeat") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: limit)
            do {
                _ = try WireCoding.decode(Heartbeat.self, from: buffer.readableBytesView)
            } catch {
                return Response(status: .badRequest)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: reply)))
        }
        // What the benchmarks poll to know the server is up.
        router.get("ready") { _, _ in "ready" }
        return router
    }
}
