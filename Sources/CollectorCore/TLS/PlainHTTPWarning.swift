/// The collector's one warning at start when secrets would cross the network in clear.
public enum PlainHTTPWarning {
    /// Set when the listening address is reachable from other machines, TLS is off and a page password,
    /// an enrolment key or an admin password is set (device tokens cross in clear too, but a LAN-only setup may
    /// accept that).
    public static func text(
        host: String, tls: Bool, pagePassword: Bool, enrollmentKey: Bool,
        adminPassword: Bool = false
    ) -> String? {
        guard !tls, pagePassword || enrollmentKey || adminPassword, !isLoopback(host) else { return nil }
        let secrets = [
            pagePassword ? "the page password" : nil, enrollmentKey ? "the enrolment key" : nil,
            adminPassword ? "the admin password (at login) and session" : nil,
        ]
        .compactMap { $0 }.joined(separator: " and ")
        return "listening on \(host) without TLS: \(secrets) and device tokens cross the network in clear; "
            + "set --tls-cert/--tls-key (downtime-collector tls init makes them) or listen on 127.0.0.1 behind a proxy"
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }
}
