import CurlClient

/// The agent's link to its collector: one kept-alive `CurlHandle` for every beat and event batch.
public final class CurlTransport: Transport {
    public let baseURL: String
    private let handle: CurlHandle
    private let totalTimeout: Double

    /// - Parameters:
    ///   - baseURL: `http://host:port` or `https://...`, no trailing path needed.
    ///   - caFile: PEM bundle to trust instead of the system store.
    ///   - pinSHA256: `sha256//BASE64` of the collector's public key; alone (no `caFile`) it is the whole check.
    public init(
        baseURL: String, caFile: String? = nil, pinSHA256: String? = nil, connectTimeout: Double = 5,
        totalTimeout: Double = 15, userAgent: String = "downtime-agent/\(AgentCoreVersion.version)"
    )
        throws(CurlError)
    {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.totalTimeout = totalTimeout
        // An https collector is never spoken to over plain HTTP.
        handle = try CurlHandle(
            caFile: caFile, pinSHA256: pinSHA256, connectTimeout: connectTimeout,
            protocols: base.lowercased().hasPrefix("https:") ? "https" : "http,https",
            userAgent: userAgent, explainsTLS: true)
    }

    public var whileWaiting: (() -> Void)? {
        get { handle.whileWaiting }
        set { handle.whileWaiting = newValue }
    }

    public func post(_ path: String, body: [UInt8], bearer: String?, timeout: Double?) throws(CurlError)
        -> CurlResponse
    {
        var headers = ["Content-Type: application/json", "Accept: application/json", "Expect:"]
        if let bearer { headers.append("Authorization: Bearer " + bearer) }
        return try handle.perform(
            CurlRequest(
                url: baseURL + path, headers: headers, body: body,
                timeout: timeout ?? totalTimeout))
    }
}
