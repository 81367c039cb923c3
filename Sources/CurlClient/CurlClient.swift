import Foundation

/// One-shot requests for the collector's notifications (HTTP and SMTP), each on a fresh `CurlHandle`.
public enum CurlClient {
    /// Performs one request (blocking; call it off the request path).
    public static func perform(_ request: CurlRequest) throws(CurlError) -> CurlResponse {
        let handle = try CurlHandle(
            caFile: request.caFile, connectTimeout: min(request.timeout, 10),
            protocols: "http,https,smtp,smtps")
        return try handle.perform(request)
    }

    /// `perform` on a thread of its own: a slow receiver never holds up the caller's tasks.
    public static func performDetached(_ request: CurlRequest) async throws -> CurlResponse {
        try await withCheckedThrowingContinuation { cont in
            Thread.detachNewThread {
                do { cont.resume(returning: try perform(request)) } catch { cont.resume(throwing: error) }
            }
        }
    }

    /// A URL safe for logs: no user info, no query (bot tokens and keys live there).
    public static func redacted(_ url: String) -> String {
        var s = url
        if let q = s.firstIndex(of: "?") { s = String(s[..<q]) }
        let parts = s.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // scheme: "" host [path]: drop "user:pass@" from the host part.
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty, let at = parts[2].lastIndex(of: "@") else {
            return s
        }
        var out = parts
        out[2] = parts[2][parts[2].index(after: at)...]
        return out.joined(separator: "/")
    }
}
