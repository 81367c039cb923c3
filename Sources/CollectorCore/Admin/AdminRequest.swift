import Foundation

/// What the admin pages read from a request, as pure functions of its header values and body.
public enum AdminRequest {
    public static let cookieName = "downtime_admin"

    /// The `Set-Cookie` value for a new session: never readable by scripts, never sent from another site,
    /// only over HTTPS when the collector serves it.
    public static func sessionCookie(_ id: String, secure: Bool) -> String {
        "\(cookieName)=\(id); HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that ends the session in the browser.
    public static func clearedCookie(secure: Bool) -> String {
        "\(cookieName)=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/" + (secure ? "; Secure" : "")
    }

    /// The session id of a `Cookie` header value (`a=1; downtime_admin=ID`), or nil.
    public static func sessionID(cookie header: String?) -> String? { cookie(cookieName, in: header) }

    /// The value of the cookie `name` in a `Cookie` header; nil when absent, empty or over 100 characters.
    public static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return value.isEmpty || value.count > 100 ? nil : value
            }
        }
        return nil
    }

    /// Whether a POST came from a page of this collector: its `Origin` (else its `Referer`) names the host and
    /// port the request was sent to. Only host and port are compared, so a proxy that ends TLS in front
    /// of the collector does not refuse every form. Without either header it is refused: browsers send them.
    public static func isSameOrigin(origin: String?, referer: String?, host: String?) -> Bool {
        guard let host = host?.lowercased(), !host.isEmpty else { return false }
        guard let source = origin.flatMap({ $0 == "null" ? nil : $0 }) ?? referer,
            let url = URL(string: source), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let sourceHost = url.host?.lowercased()
        else { return false }
        let bracketed = sourceHost.contains(":") && !sourceHost.hasPrefix("[") ? "[\(sourceHost)]" : sourceHost
        let defaultPort = scheme == "https" ? 443 : 80
        let sourcePort = url.port ?? defaultPort
        // The Host header leaves out a default port.
        return host == "\(bracketed):\(sourcePort)" || (sourcePort == defaultPort && host == bracketed)
            || (url.port == nil && host == "\(bracketed):\(defaultPort)")
    }

    /// The fields of an `application/x-www-form-urlencoded` body; a repeated name keeps its first value.
    public static func form(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), !name.isEmpty else { continue }
            let value = parts.count == 2 ? decode(parts[1]) ?? "" : ""
            if out[name] == nil { out[name] = value }
        }
        return out
    }

    /// The collector's base URL as the browser reached it: the scheme it serves and the `Host` header.
    public static func collectorURL(host: String?, tls: Bool) -> String? {
        guard let host, !host.isEmpty, host.count <= 255,
            host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]_".contains($0) }), host.allSatisfy(\.isASCII)
        else { return nil }
        return (tls ? "https://" : "http://") + host
    }
}
