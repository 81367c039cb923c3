import CollectorCore
import Foundation
import Hummingbird
import Testing

/// The operations `collector/openapi.yaml` documents, read from its `paths:` block.
///
/// A line parser on purpose (no YAML library): the file keeps one layout, path keys at two spaces and
/// method keys at four, and `documentedOperationsAreFound` fails if that layout drifts.
enum OpenAPIDocument {
    static let path: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("collector/openapi.yaml").path
    }()

    static func operations() throws -> Set<String> { Set(try security().keys) }

    /// Each operation with its `security:` line's value ("" when it has none).
    static func security() throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [String: String] = [:]
        var operation: String?
        var inPaths = false
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty && !line.hasPrefix("#") {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast())
            } else if let current, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].contains(method) {
                    operation = "\(method) \(current)"
                    out[operation!] = ""
                }
            } else if let operation, line.hasPrefix("      security: ") {
                out[operation] = String(line.dropFirst("      security: ".count))
            }
        }
        return out
    }
}

@Suite struct RouteDocumentationTests {
    @Test func documentedOperationsAreFound() throws {
        let documented = try OpenAPIDocument.operations()
        // Guards the parser itself: these must be found, or the comparison below proves nothing.
        #expect(documented.contains("POST /api/v1/heartbeat"))
        #expect(documented.contains("GET /api/v1/devices/{name}/events"))
        #expect(documented.count >= 11)
    }

    /// Every operation says who may call it, as `AccessRule` decides: the device's token on the agents' writes,
    /// nothing on the open routes, the page password or a session on the read side, and an API key on the read
    /// API and metrics only.
    @Test func everyOperationDeclaresItsSecurity() throws {
        let readAPI = "[{}, {pagePassword: []}, {session: []}, {apiKey: []}]"
        let pages = "[{}, {pagePassword: []}, {session: []}]"
        let open: Set<String> = [
            "POST /api/v1/enroll", "GET /healthz", "GET /install/downtime-report.sh", "GET /ping/{token}",
            "POST /ping/{token}", "GET /ping/{token}/fail", "POST /ping/{token}/fail",
            "GET /ping/job/{key}", "POST /ping/job/{key}", "GET /ping/job/{key}/{action}",
            "POST /ping/job/{key}/{action}",
            // The public status pages: their own password, if any, in a cookie of their own.
            "GET /status/{page}", "POST /status/{page}", "GET /status/{page}/stream",
            // A message's acknowledge link: its token is the capability.
            "GET /ack/{token}", "POST /ack/{token}",
        ]
        for (op, security) in try OpenAPIDocument.security() {
            let path = String(op.split(separator: " ")[1])
            let expected: String
            if ["POST /api/v1/heartbeat", "POST /api/v1/events"].contains(op) {
                expected = "[{bearer: []}]"
            } else if open.contains(op) {
                expected = "[]"
            } else {
                expected = path.hasPrefix("/api/v1/") || path == "/metrics" ? readAPI : pages
            }
            #expect(security == expected, "\(op)")
        }
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let h = try await Harness.make()
        // HEAD routes are made from GET ones by the router; the description documents GET. The admin pages are
        // forms, not API (docs/DESIGN.md "Who may call what" lists them).
        let routes = Set(
            buildRouter(h.collector).routes.filter { $0.method != .head && !$0.path.description.hasPrefix("/admin") }
                .map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = try OpenAPIDocument.operations()
        #expect(routes.subtracting(documented).sorted() == [], "routes missing from collector/openapi.yaml")
        #expect(documented.subtracting(routes).sorted() == [], "documented in collector/openapi.yaml but not routed")
    }

    @Test func documentedOperationsAnswerThroughTheRouter() async throws {
        // Each documented operation reaches a handler: the answer is never the router's own 404 or 405.
        let h = try await Harness.make()
        _ = try await h.addDevice("pi-1")
        let documented = try OpenAPIDocument.operations()
        try await h.test { client in
            // The event stream never ends (StreamTests reads it over a socket).
            for op in documented.sorted() where op != "GET /api/v1/stream" && op != "GET /status/{page}/stream" {
                let parts = op.split(separator: " ")
                let uri = String(parts[1]).replacingOccurrences(of: "{name}", with: "pi-1")
                let method: HTTPRequest.Method = parts[0] == "POST" ? .post : .get
                let (status, body) = try await client.execute(
                    uri: uri, method: method, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "{}")
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(status != .methodNotAllowed && body != #"{"error":"not found"}"#, "\(op): \(status) \(body)")
            }
        }
    }
}
