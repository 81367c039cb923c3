/// One request through libcurl: an HTTP(S) POST, PUT or GET, or an e-mail sent over SMTP (with STARTTLS).
public struct CurlRequest: Sendable {
    /// The HTTP method; SMTP ignores it.
    public enum Method: String, Sendable {
        case post = "POST"
        /// Without a body (the collector's self-ping).
        case get = "GET"
        /// With a body, like POST (Matrix's room messages).
        case put = "PUT"
    }

    /// Envelope and login of an SMTP delivery; the body is then the whole RFC 5322 message.
    public struct SMTP: Sendable {
        public var from: String
        public var to: [String]
        public var user: String?
        public var password: String?
        /// Require STARTTLS on a `smtp://` URL (`smtps://` is TLS from the start).
        public var requireTLS: Bool

        public init(from: String, to: [String], user: String? = nil, password: String? = nil, requireTLS: Bool = true) {
            self.from = from
            self.to = to
            self.user = user
            self.password = password
            self.requireTLS = requireTLS
        }
    }

    public var url: String
    public var method: Method
    public var headers: [String]
    public var body: [UInt8]
    /// Seconds for the whole transfer.
    public var timeout: Double
    public var smtp: SMTP?
    /// A PEM bundle to trust instead of the system store (one-shot requests; a `CurlHandle` has its own).
    public var caFile: String?

    public init(
        url: String, method: Method = .post, headers: [String] = [], body: [UInt8] = [], timeout: Double = 15,
        smtp: SMTP? = nil, caFile: String? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.smtp = smtp
        self.caFile = caFile
    }

    /// What an error message says was tried: `POST <url>`, `GET <url>` or `SMTP <url>`, the URL without secrets.
    var attempt: String { (smtp == nil ? method.rawValue : "SMTP") + " " + CurlClient.redacted(url) }
}
