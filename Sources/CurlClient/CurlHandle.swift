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
    ///   - unixSocket: connect to this unix socket instead of the URL's host (the Docker Engine API).
    public init(
        caFile: String? = nil, pinSHA256: String? = nil, connectTimeout: Double = 10,
        protocols: String = "http,https", userAgent: String? = nil, explainsTLS: Bool = false,
        unixSocket: String? = nil
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
        if let unixSocket { set(dt_setopt_str(h, CURLOPT_UNIX_SOCKET_PATH, unixSocket)) }
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
        let headers = Self.list(request.headers)
        defer { curl_slist_free_all(headers) }
        let recipients = Self.list((request.smtp?.to ?? []).map { "<\($0)>" })
        defer { curl_slist_free_all(recipients) }

        let sink = Unmanaged.passRetained(ResponseSink())
        defer { sink.release() }
        let upload = request.smtp == nil ? nil : Unmanaged.passRetained(UploadSource(request.body))
        defer { upload?.release() }
        errorBuffer[0] = 0

        let hook = whileWaiting.map { Unmanaged.passRetained(WaitHook($0)) }
        defer { hook?.release() }
        var ok = setTransfer(request, sink: sink.toOpaque(), hook: hook?.toOpaque())
        ok = setMethod(request, headers: headers, recipients: recipients, upload: upload?.toOpaque()) && ok
        let code = request.body.withUnsafeBytes { raw -> CURLcode in
            if request.smtp == nil, request.method != .get {
                let body = UnsafeMutableRawPointer(mutating: raw.baseAddress)
                ok = dt_setopt_ptr(handle, CURLOPT_POSTFIELDS, body) == CURLE_OK && ok
            }
            let result = ok ? curl_easy_perform(handle) : CURLE_OK
            // The pointers die with this call: never leave them in a handle that is kept.
            _ = dt_setopt_ptr(handle, CURLOPT_POSTFIELDS, nil)
            return result
        }
        clearRequest()
        guard ok else { throw CurlError("\(request.attempt): libcurl refused an option (too old a libcurl?)") }
        guard code == CURLE_OK else {
            throw CurlError.failed(
                request.attempt, code: code, detail: String(cString: errorBuffer),
                explainTLS: explainsTLS)
        }
        var status = 0
        _ = dt_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return CurlResponse(status: status, body: sink.takeUnretainedValue().bytes)
    }

    /// A libcurl list of `lines` (nil for none), freed by the caller.
    private static func list(_ lines: [String]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines { list = curl_slist_append(list, line) }
        return list
    }

    /// Where to, how long at most, where the answer goes, and `whileWaiting` called from libcurl's progress
    /// callback when there is one; false when libcurl refused an option.
    private func setTransfer(_ request: CurlRequest, sink: UnsafeMutableRawPointer, hook: UnsafeMutableRawPointer?)
        -> Bool
    {
        let h = handle
        var ok = true
        func set(_ code: CURLcode) { ok = ok && code == CURLE_OK }
        set(dt_setopt_str(h, CURLOPT_URL, request.url))
        set(dt_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000)))
        set(dt_setopt_ptr(h, CURLOPT_WRITEDATA, sink))
        if let hook {
            set(dt_setopt_xferinfo(h, WaitHook.progress))
            set(dt_setopt_ptr(h, CURLOPT_XFERINFODATA, hook))
            set(dt_setopt_long(h, CURLOPT_NOPROGRESS, 0))
        }
        return ok
    }

    /// A mail (sender, recipients, login, TLS, the upload), a GET, or a POST or PUT with the headers; false when
    /// libcurl refused an option.
    private func setMethod(
        _ request: CurlRequest, headers: UnsafeMutablePointer<curl_slist>?,
        recipients: UnsafeMutablePointer<curl_slist>?, upload: UnsafeMutableRawPointer?
    ) -> Bool {
        let h = handle
        var ok = true
        func set(_ code: CURLcode) { ok = ok && code == CURLE_OK }
        if let smtp = request.smtp, let upload {
            set(dt_setopt_str(h, CURLOPT_MAIL_FROM, "<\(smtp.from)>"))
            set(dt_setopt_slist(h, CURLOPT_MAIL_RCPT, recipients))
            if let user = smtp.user { set(dt_setopt_str(h, CURLOPT_USERNAME, user)) }
            if let password = smtp.password { set(dt_setopt_str(h, CURLOPT_PASSWORD, password)) }
            let tls = smtp.requireTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
            set(dt_setopt_long(h, CURLOPT_USE_SSL, Int(tls.rawValue)))
            set(dt_setopt_long(h, CURLOPT_UPLOAD, 1))
            set(dt_setopt_read(h, UploadSource.read))
            set(dt_setopt_ptr(h, CURLOPT_READDATA, upload))
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
        return ok
    }

    /// Takes back what one request set and a kept handle must not keep: its lists, callbacks' data and method.
    private func clearRequest() {
        _ = dt_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
        _ = dt_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, nil)
        _ = dt_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        _ = dt_setopt_ptr(handle, CURLOPT_WRITEDATA, nil)
        _ = dt_setopt_ptr(handle, CURLOPT_READDATA, nil)
        _ = dt_setopt_long(handle, CURLOPT_NOPROGRESS, 1)
        _ = dt_setopt_ptr(handle, CURLOPT_XFERINFODATA, nil)
    }
}
