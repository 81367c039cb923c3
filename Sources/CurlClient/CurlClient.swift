import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// One request through libcurl: an HTTP(S) call, or an e-mail sent over SMTP (with STARTTLS).
public struct CurlRequest: Sendable {
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
    public var headers: [String]
    public var body: [UInt8]
    public var timeout: Double
    public var smtp: SMTP?
    /// A PEM bundle to trust instead of the system store.
    public var caFile: String?

    public init(url: String, headers: [String] = [], body: [UInt8] = [], timeout: Double = 15, smtp: SMTP? = nil,
                caFile: String? = nil) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.smtp = smtp
        self.caFile = caFile
    }
}

/// What came back: the HTTP status (or the SMTP reply code) and the body.
public struct CurlResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// No answer at all, or libcurl refused: the message names the URL and libcurl's reason.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Performs one request on a fresh easy handle (blocking; call it off the request path).
public enum CurlClient {
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public static func perform(_ r: CurlRequest) throws(CurlError) -> CurlResponse {
        _ = globalInit
        guard let h = curl_easy_init() else { throw CurlError("curl_easy_init failed") }
        defer { curl_easy_cleanup(h) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for line in r.headers { headers = curl_slist_append(headers, line) }
        defer { curl_slist_free_all(headers) }
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for to in r.smtp?.to ?? [] { recipients = curl_slist_append(recipients, "<\(to)>") }
        defer { curl_slist_free_all(recipients) }

        let sink = Sink()
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        let source = Source(r.body)
        let upload = Unmanaged.passRetained(source)
        defer { upload.release() }

        var ok = true
        func set(_ code: CURLcode) { ok = ok && code == CURLE_OK }
        set(dt_setopt_str(h, CURLOPT_URL, r.url))
        set(dt_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer))
        set(dt_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(dt_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(r.timeout * 1000)))
        set(dt_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(min(r.timeout, 10) * 1000)))
        set(dt_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps"))
        set(dt_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1))
        set(dt_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2))
        if let ca = r.caFile { set(dt_setopt_str(h, CURLOPT_CAINFO, ca)) }
        set(dt_setopt_write(h, Sink.write))
        set(dt_setopt_ptr(h, CURLOPT_WRITEDATA, context.toOpaque()))
        if let smtp = r.smtp {
            set(dt_setopt_str(h, CURLOPT_MAIL_FROM, "<\(smtp.from)>"))
            set(dt_setopt_slist(h, CURLOPT_MAIL_RCPT, recipients))
            if let u = smtp.user { set(dt_setopt_str(h, CURLOPT_USERNAME, u)) }
            if let p = smtp.password { set(dt_setopt_str(h, CURLOPT_PASSWORD, p)) }
            set(dt_setopt_long(h, CURLOPT_USE_SSL, Int(smtp.requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue)))
            set(dt_setopt_long(h, CURLOPT_UPLOAD, 1))
            set(dt_setopt_read(h, Source.read))
            set(dt_setopt_ptr(h, CURLOPT_READDATA, upload.toOpaque()))
            set(dt_setopt_long(h, CURLOPT_INFILESIZE, r.body.count))
        } else {
            set(dt_setopt_slist(h, CURLOPT_HTTPHEADER, headers))
            set(dt_setopt_long(h, CURLOPT_POST, 1))
            set(dt_setopt_long(h, CURLOPT_POSTFIELDSIZE, r.body.count))
            set(dt_setopt_read(h, Source.read))
            set(dt_setopt_ptr(h, CURLOPT_READDATA, upload.toOpaque()))
        }
        guard ok else { throw CurlError("libcurl refused an option for \(r.url)") }
        let code = curl_easy_perform(h)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw CurlError("\(redacted(r.url)): \(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)")
        }
        var status = 0
        _ = dt_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return CurlResponse(status: status, body: sink.bytes)
    }

    /// A URL safe for logs: no user info, no query (bot tokens and keys live there).
    public static func redacted(_ url: String) -> String {
        var s = url
        if let q = s.firstIndex(of: "?") { s = String(s[..<q]) }
        let parts = s.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // scheme: "" host [path]: drop "user:pass@" from the host part.
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty, let at = parts[2].lastIndex(of: "@") else { return s }
        var out = parts
        out[2] = parts[2][parts[2].index(after: at)...]
        return out.joined(separator: "/")
    }
}

/// Collects the answer inside libcurl's write callback (bounded: receivers' answers are small).
private final class Sink {
    var bytes: [UInt8] = []
    static let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, ctx in
        let sink = Unmanaged<Sink>.fromOpaque(ctx!).takeUnretainedValue()
        let n = size * count
        guard sink.bytes.count + n <= 1 << 20 else { return 0 }
        if n > 0, let data { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
        return n
    }
}

/// Feeds the request body to libcurl's read callback.
private final class Source {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { buffer, size, count, ctx in
        let source = Unmanaged<Source>.fromOpaque(ctx!).takeUnretainedValue()
        let n = min(size * count, source.bytes.count - source.offset)
        guard n > 0, let buffer else { return 0 }
        source.bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + source.offset, byteCount: n)
        }
        source.offset += n
        return n
    }
}
