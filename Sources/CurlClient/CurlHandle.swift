import CCurl

/// A libcurl easy handle kept between requests, so its connection stays open (the agent's beats), or used
/// once (`CurlClient.perform`). Blocking, and for one thread at a time.
public final class CurlHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let explainsTLS: Bool
    /// Called about once a second while a request waits or transfers (libcurl's progress callback): work
    /// that must not wait for a slow answer (the agent's state write) runs from here.
    public var whileWaiting: (() -> Void)?

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// - Parameters:
    ///   - caFile: PEM bundle to trust instead of the system store.
    ///   - pinSHA256: `sha256//BASE64` of the server's public key; alone (no `caFile`) it is the whole check.
    ///   - protocols: libcurl's list of the schemes this handle may use (`CURLOPT_PROTOCOLS_STR`).
    ///   - userAgent: nil sends none.
    ///   - explainsTLS: a TLS refusal's message names its reason in `TLSFailure`'s words (the agent's).
    public init(
        caFile: String? = nil, pinSHA256: String? = nil, connectTimeout: Double = 10,
        protocols: String = "http,https", userAgent: String? = nil, explainsTLS: Bool = false
    )
        throws(CurlError)
    {
        _ = Self.globalInit
        guard let h = curl_easy_init() else { throw CurlError("curl_easy_init failed") }
        handle = h
        self.explainsTLS = explainsTLS
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        var ok = true
        func set(_ code: CURLcode) { ok = ok && code == CURLE_OK }
        set(dt_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer))
        // Signals would interrupt the agent's own signal handling; timeouts work without them.
        set(dt_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(dt_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000)))
        set(dt_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1))
        set(dt_setopt_str(h, CURLOPT_PROTOCOLS_STR, protocols))
        // No redirect is followed: an https URL never goes out as plain HTTP.
        set(dt_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0))
        if let userAgent { set(dt_setopt_str(h, CURLOPT_USERAGENT, userAgent)) }
        // A pin alone names the exact key, like an SSH host key: no CA (nor name) is needed beside it.
        let pinOnly = pinSHA256 != nil && caFile == nil
        set(dt_setopt_long(h, CURLOPT_SSL_VERIFYPEER, pinOnly ? 0 : 1))
        set(dt_setopt_long(h, CURLOPT_SSL_VERIFYHOST, pinOnly ? 0 : 2))
        if let caFile { set(dt_setopt_str(h, CURLOPT_CAINFO, caFile)) }
        if let pinSHA256 { set(dt_setopt_str(h, CURLOPT_PINNEDPUBLICKEY, pinSHA256)) }
        set(dt_setopt_write(h, ResponseSink.write))
        if !ok {
            curl_easy_cleanup(h)
            errorBuffer.deallocate()
            throw CurlError("libcurl refused an option (too old a libcurl?)")
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// POSTs the body, GETs the URL or sends the mail; an answer with any status is a response, no answer an error.
    public func perform(_ request: CurlRequest) throws(CurlError) -> CurlResponse {
        let h = handle
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for line in request.headers { headers = curl_slist_append(headers, line) }
        defer { curl_slist_free_all(headers) }
        var recipients: UnsafeMutablePointer<curl_slist>? = nil
        for to in request.smtp?.to ?? [] { recipients = curl_slist_append(recipients, "<\(to)>") }
        defer { curl_slist_free_all(recipients) }

        let sink = Unmanaged.passRetained(ResponseSink())
        defer { sink.release() }
        let upload = request.smtp == nil ? nil : Unmanaged.passRetained(UploadSource(request.body))
        defer { upload?.release() }
        errorBuffer[0] = 0

        var ok = true
        func set(_ code: CURLcode) { ok = ok && code == CURLE_OK }
        set(dt_setopt_str(h, CURLOPT_URL, request.url))
        set(dt_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000)))
        set(dt_setopt_ptr(h, CURLOPT_WRITEDATA, sink.toOpaque()))
        let hook = whileWaiting.map { Unmanaged.passRetained(WaitHook($0)) }
        defer { hook?.release() }
        if let hook {
            set(dt_setopt_xferinfo(h, WaitHook.progress))
            set(dt_setopt_ptr(h, CURLOPT_XFERINFODATA, hook.toOpaque()))
            set(dt_setopt_long(h, CURLOPT_NOPROGRESS, 0))
        }
        if let smtp = request.smtp, let upload {
            set(dt_setopt_str(h, CURLOPT_MAIL_FROM, "<\(smtp.from)>"))
            set(dt_setopt_slist(h, CURLOPT_MAIL_RCPT, recipients))
            if let user = smtp.user { set(dt_setopt_str(h, CURLOPT_USERNAME, user)) }
            if let password = smtp.password { set(dt_setopt_str(h, CURLOPT_PASSWORD, password)) }
            let tls = smtp.requireTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
            set(dt_setopt_long(h, CURLOPT_USE_SSL, Int(tls.rawValue)))
            set(dt_setopt_long(h, CURLOPT_UPLOAD, 1))
            set(dt_setopt_read(h, UploadSource.read))
            set(dt_setopt_ptr(h, CURLOPT_READDATA, upload.toOpaque()))
            set(dt_setopt_long(h, CURLOPT_INFILESIZE, request.body.count))
        } else if request.method == .get {
            set(dt_setopt_slist(h, CURLOPT_HTTPHEADER, headers))
            set(dt_setopt_long(h, CURLOPT_HTTPGET, 1))
        } else {
            set(dt_setopt_slist(h, CURLOPT_HTTPHEADER, headers))
            set(dt_setopt_long(h, CURLOPT_POST, 1))
            set(dt_setopt_long(h, CURLOPT_POSTFIELDSIZE, request.body.count))
            if request.method == .put { set(dt_setopt_str(h, CURLOPT_CUSTOMREQUEST, "PUT")) }
        }
        let code = request.body.withUnsafeBytes { raw -> CURLcode in
            if request.smtp == nil, request.method != .get {
                set(dt_setopt_ptr(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress)))
            }
            let result = ok ? curl_easy_perform(h) : CURLE_OK
            // The pointers die with this call: never leave them in a handle that is kept.
            _ = dt_setopt_ptr(h, CURLOPT_POSTFIELDS, nil)
            return result
        }
        _ = dt_setopt_slist(h, CURLOPT_HTTPHEADER, nil)
        _ = dt_setopt_ptr(h, CURLOPT_CUSTOMREQUEST, nil)
        _ = dt_setopt_slist(h, CURLOPT_MAIL_RCPT, nil)
        _ = dt_setopt_ptr(h, CURLOPT_WRITEDATA, nil)
        _ = dt_setopt_ptr(h, CURLOPT_READDATA, nil)
        _ = dt_setopt_long(h, CURLOPT_NOPROGRESS, 1)
        _ = dt_setopt_ptr(h, CURLOPT_XFERINFODATA, nil)
        guard ok else { throw CurlError("\(request.attempt): libcurl refused an option (too old a libcurl?)") }
        guard code == CURLE_OK else {
            throw CurlError.failed(
                request.attempt, code: code, detail: String(cString: errorBuffer),
                explainTLS: explainsTLS)
        }
        var status = 0
        _ = dt_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return CurlResponse(status: status, body: sink.takeUnretainedValue().bytes)
    }
}
