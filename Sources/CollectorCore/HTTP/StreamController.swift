import DowntimeProtocol
import Foundation
import Hummingbird

/// `GET /api/v1/stream`: Server-Sent Events of the status changes the collector records, for open pages.
/// A quiet stream costs a comment line every `keepAlive`; the page's password middleware covers it like any read.
struct StreamController<Context: RequestContext> {
    let collector: Collector
    var keepAlive: Duration = .seconds(20)

    func addRoutes(to group: RouterGroup<Context>) {
        let keepAlive = self.keepAlive
        group.get("stream") { request, _ in
            try Self.stream(request, feed: collector.sweeper.flips.changes, keepAlive: keepAlive) { $0 }
        }
    }

    /// The stream of `feed` from the request's position, each change passed through `shown` (nil: not sent), so a
    /// status page's stream sends only its devices, under their labels.
    static func stream(
        _ request: Request, feed: ChangeFeed, keepAlive: Duration,
        shown: @escaping @Sendable (ChangeFeed.Change) -> ChangeFeed.Change?
    ) throws -> Response {
        // The browser's Last-Event-ID on a reconnect; else the position of the page that opened the stream.
        let lastEventID = request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
        let after = lastEventID ?? request.uri.queryParameters.get("after").map { String($0) }
        if let after, !Self.isID(after) {
            throw APIError(.badRequest, "after must be an event id such as mgx3k2a-12", field: "after")
        }
        var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
        // nginx would hold the stream's chunks back without it.
        if let accel = HTTPFields.Element.Name("X-Accel-Buffering") { headers[accel] = "no" }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let (start, stream, continuation) = feed.subscribe(after: after)
                let ticker = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: keepAlive)
                        continuation.yield(.keepAlive)
                    }
                }
                defer {
                    ticker.cancel()
                    continuation.finish()
                }
                var head = "retry: 2000\n\n"
                switch start {
                case .now: break
                case .reset: head += "event: reset\nid: \(feed.position)\ndata: {}\n\n"
                case .replay(let changes):
                    head += changes.compactMap { c in shown(c).map { Self.event($0, id: feed.id(c)) } }.joined()
                }
                try await writer.write(ByteBuffer(string: head))
                for await item in stream {
                    switch item {
                    case .keepAlive: try await writer.write(ByteBuffer(string: ":\n\n"))
                    case .change(let c):
                        guard let s = shown(c) else { continue }
                        try await writer.write(ByteBuffer(string: Self.event(s, id: feed.id(c))))
                    }
                }
                try await writer.finish(nil)
            })
    }

    /// An id this collector gives (`run-seq`); anything else is refused before a stream opens.
    static func isID(_ s: String) -> Bool {
        guard s.count <= 40, let dash = s.lastIndex(of: "-"), dash != s.startIndex,
            Int(s[s.index(after: dash)...]) != nil
        else {
            return false
        }
        return s[..<dash].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// One SSE event: `flip` (recorded) or `status` (shown only, e.g. late) with the device, the statuses and when.
    static func event(_ c: ChangeFeed.Change, id: String) -> String {
        var w = JSONWriter(capacity: 128)
        w.object { w in
            w.key("device")
            w.string(c.device)
            w.key("from")
            w.string(c.from?.rawValue)
            w.key("to")
            w.string(c.to.rawValue)
            w.key("at")
            w.string(WireTime.format(c.at))
        }
        let data = String(decoding: w.bytes, as: UTF8.self)
        return "id: \(id)\nevent: \(c.recorded ? "flip" : "status")\ndata: \(data)\n\n"
    }
}
