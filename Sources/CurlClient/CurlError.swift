import CCurl

/// No answer at all (DNS, connect, TLS, timeout, reset), or libcurl refused: the message names what was
/// tried and libcurl's reason.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Set when TLS refused the server: never retried over plain HTTP.
    public var tls: TLSFailure?

    public init(_ message: String, tls: TLSFailure? = nil) {
        self.message = message
        self.tls = tls
    }

    public var description: String { message }

    /// The one wording of a failed transfer: `POST <url>: <libcurl's reason>`, with the TLS refusal named
    /// first when `explainTLS` (its sentences are worded for the agent and its collector).
    static func failed(_ attempt: String, code: CURLcode, detail: String, explainTLS: Bool) -> CurlError {
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        guard let tls = TLSFailure.classify(curlCode: Int(code.rawValue), detail: reason) else {
            return CurlError("\(attempt): \(reason)")
        }
        return CurlError(explainTLS ? "\(attempt): \(tls.sentence) (\(reason))" : "\(attempt): \(reason)", tls: tls)
    }
}
