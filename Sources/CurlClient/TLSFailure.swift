/// Why libcurl refused a server's TLS, named so the log says what to fix. The sentences are worded for the
/// agent and its collector (`--ca-file`, `--pin-sha256`): `CurlHandle(explainsTLS:)` adds them to its errors.
public enum TLSFailure: Sendable, Equatable {
    case untrustedCA
    case expired
    case notYetValid
    case hostMismatch
    case pinMismatch
    case badCAFile
    case handshake

    /// libcurl's result codes (stable numbers of its API) and OpenSSL's words in its error text.
    public static func classify(curlCode: Int, detail: String) -> TLSFailure? {
        let text = detail.lowercased()
        switch curlCode {
        case 90: return .pinMismatch // CURLE_SSL_PINNEDPUBKEYNOTMATCH
        case 77: return .badCAFile // CURLE_SSL_CACERT_BADFILE
        case 60: // CURLE_PEER_FAILED_VERIFICATION
            if text.contains("expired") { return .expired }
            if text.contains("not yet valid") { return .notYetValid }
            if text.contains("host name") || text.contains("hostname") || text.contains("subject name") {
                return .hostMismatch
            }
            return .untrustedCA
        case 35: return .handshake // CURLE_SSL_CONNECT_ERROR
        default: return nil
        }
    }

    public var sentence: String {
        switch self {
        case .untrustedCA: "the collector's certificate is not signed by a CA this device trusts (wrong --ca-file?)"
        case .expired:
            "the collector's certificate has expired (renew it, e.g. downtime-collector tls init, then SIGHUP)"
        case .notYetValid: "the collector's certificate is not valid yet (is this device's clock right?)"
        case .hostMismatch: "the collector's certificate does not name the host of the collector URL"
        case .pinMismatch: "the collector's public key does not match --pin-sha256"
        case .badCAFile: "the --ca-file cannot be read or holds no PEM certificate"
        case .handshake: "the TLS handshake failed (does the collector serve HTTPS on that port?)"
        }
    }
}
