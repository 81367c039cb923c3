import DowntimeProtocol
import Hummingbird

/// Status badges: `/badge/{name}.svg`, `/badge/all.svg`, and the same with `.json` for dashboards.
struct BadgeController<Context: RequestContext> {
    let collector: Collector

    func addRoutes(to router: Router<Context>) {
        router.get("/badge/{file}") { _, context in
            let file = context.parameters.get("file") ?? ""
            let (base, ext) =
                file.hasSuffix(".svg")
                ? (file.dropLast(4), "svg") : file.hasSuffix(".json") ? (file.dropLast(5), "json") : ("", "")
            guard !ext.isEmpty else { throw APIError(.notFound, "badges are NAME.svg or NAME.json", field: "name") }
            let content: Badge.Content
            if base == "all" {
                content = Badge.content(all: try await collector.reads.deviceViews())
            } else {
                let name = try RouteParameters.deviceName(String(base))
                guard let view = try await collector.reads.deviceView(name) else { throw APIError.noDevice(name) }
                content = Badge.content(view)
            }
            // Short cache: a badge on a dashboard should not lag the page by much.
            let headers: HTTPFields = [.cacheControl: "max-age=10"]
            if ext == "json" {
                var r = try JSONIO.response(content)
                r.headers[.cacheControl] = "max-age=10"
                return r
            }
            return TextIO.text(Badge.svg(content), contentType: "image/svg+xml; charset=utf-8", headers: headers)
        }
    }
}
