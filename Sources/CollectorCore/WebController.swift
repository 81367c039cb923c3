import DowntimeProtocol
import Foundation
import Hummingbird

/// The pages people read, the log downloads and the health check.
struct WebController<Context: RequestContext> {
    let collector: Collector
    static var html: String { "text/html; charset=utf-8" }

    func addRoutes(to router: Router<Context>) {
        router.get("/") { _, _ in
            JSONIO.text(Pages.overview(try await collector.deviceViews(), now: collector.clock.now()), contentType: Self.html)
        }
        router.get("/healthz") { _, _ in
            try JSONIO.response(["status": "ok"])
        }
        router.get("/devices/{name}") { _, context in
            let name = try JSONIO.deviceName(context)
            guard let view = try await collector.deviceView(name) else { throw APIError.noDevice(name) }
            let log = try await collector.store.events(device: name, since: nil, afterSeq: nil, limit: 1_000_000)
            return JSONIO.text(Pages.device(view, log: log.map(\.event)), contentType: Self.html)
        }
        router.get("/devices/{name}/log.txt") { _, context in
            let name = try JSONIO.deviceName(context)
            let log = try await deviceLog(name)
            return JSONIO.text(log.map { LogFormat.line($0) + "\n" }.joined(), contentType: "text/plain; charset=utf-8")
        }
        router.get("/devices/{name}/log.csv") { _, context in
            let name = try JSONIO.deviceName(context)
            let log = try await deviceLog(name)
            let csv = ([LogFormat.csvHeader] + log.map(LogFormat.csvRow)).joined(separator: "\r\n") + "\r\n"
            return JSONIO.text(csv, contentType: "text/csv; charset=utf-8",
                               headers: [.contentDisposition: "attachment; filename=\"\(name).csv\""])
        }
    }

    private func deviceLog(_ name: String) async throws -> [Event] {
        guard try await collector.store.device(named: name) != nil else { throw APIError.noDevice(name) }
        return try await collector.store.events(device: name, since: nil, afterSeq: nil, limit: 10_000_000).map(\.event)
    }
}
