import CCurl
import Glibc

/// An HTTP answer: status code and body bytes.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// No HTTP answer at all: DNS, connect, TLS, timeout, reset.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Set when TLS refused the collector: never retried over plain HTTP.
    public var tls: TLSFailure?
    public init(_ message: String, tls: TLSFailure? = nil) {
        self.message = message
        self.tls = tls
    }
    public var description: String { message }
}

/// Sends JSON to the collector; `CurlTransport` in production, a fake in tests.
public protocol Transport: AnyObject {
    /// POSTs `body` (JSON) to `path` under the collector URL; `timeout` overrides the total timeout.
    func post(_ path: String, body: [UInt8], bearer: String?, timeout: Double?) throws(TransportError) -> HTTPResponse
}

/// libcurl transport: one easy handle reused for every request, so the connection is kept alive.
public final class CurlTransport: Transport {
    public let baseURL: String
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let totalTimeout: Double
    /// Answers larger than this are cut off: the collector's replies are small.
    static let maxResponseBytes = 1 << 20

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// - Parameters:
    ///   - baseURL: `http://host:port` or `https://...`, no trailing path needed.
    ///   - caFile: PEM bundle to trust instead of the system store.
    ///   - pinSHA256: `sha256//BASE64` of the collector's public key; alone (no `caFile`) it is the whole check.
    public init(baseURL: String, caFile: String? = nil, pinSHA256: String? = nil, connectTimeout: Double = 5, totalTimeout: Double = 15,
                userAgent: String = "downtime-agent/\(AgentCoreVersion.version)") throws(TransportError) {
        _ = Self.globalInit
        guard let h = curl_easy_init() else { throw TransportError("curl_easy_init failed") }
        handle = h
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.totalTimeout = totalTimeout
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        var ok = true
        func set(_ code: CURLcode) { ok = ok && code == CURLE_OK }
        set(dt_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer))
        // Signals would interrupt the agent's own signal handling; timeouts work without them.
        set(dt_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(dt_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000)))
        set(dt_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1))
        // An https URL never goes out as plain HTTP, not even through a redirect (none are followed).
        set(dt_setopt_str(h, CURLOPT_PROTOCOLS_STR, base.lowercased().hasPrefix("https:") ? "https" : "http,https"))
        set(dt_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0))
        set(dt_setopt_str(h, CURLOPT_USERAGENT, userAgent))
        // A pin alone names the exact key, like an SSH host key: no CA (nor name) is needed beside it.
        let pinOnly = pinSHA256 != nil && caFile == nil
        set(dt_setopt_long(h, CURLOPT_SSL_VERIFYPEER, pinOnly ? 0 : 1))
        set(dt_setopt_long(h, CURLOPT_SSL_VERIFYHOST, pinOnly ? 0 : 2))
        if let caFile { set(dt_setopt_str(h, CURLOPT_CAINFO, caFile)) }
        if let pinSHA256 { set(dt_setopt_str(h, CURLOPT_PINNEDPUBLICKEY, pinSHA256)) }
        set(dt_setopt_write(h) { data, size, count, context in
            let buffer = Unmanaged<ResponseBuffer>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            guard buffer.bytes.count + n <= CurlTransport.maxResponseBytes else { return 0 }  // aborts the transfer
            if n > 0, let data { buffer.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
            return n
        })
        if !ok {
            curl_easy_cleanup(h)
            errorBuffer.deallocate()
            throw TransportError("libcurl refused an option (too old a libcurl?)")
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    public func post(_ path: String, body: [UInt8], bearer: String?, timeout: Double?) throws(TransportError) -> HTTPResponse {
        let h = handle
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for line in ["Content-Type: application/json", "Accept: application/json", "Expect:"]
            + (bearer.map { ["Authorization: Bearer " + $0] } ?? []) {
            headers = curl_slist_append(headers, line)
        }
        defer { curl_slist_free_all(headers) }

        let buffer = ResponseBuffer()
        let context = Unmanaged.passRetained(buffer)
        defer { context.release() }
        errorBuffer[0] = 0

        let url = baseURL + path
        _ = dt_setopt_str(h, CURLOPT_URL, url)
        _ = dt_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
        _ = dt_setopt_ptr(h, CURLOPT_WRITEDATA, context.toOpaque())
        _ = dt_setopt_long(h, CURLOPT_TIMEOUT_MS, Int((timeout ?? totalTimeout) * 1000))
        _ = dt_setopt_long(h, CURLOPT_POST, 1)
        _ = dt_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
        let code = body.withUnsafeBytes { raw -> CURLcode in
            _ = dt_setopt_ptr(h, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            let result = curl_easy_perform(h)
            // The body pointer dies with this closure: never leave it in the handle.
            _ = dt_setopt_ptr(h, CURLOPT_POSTFIELDS, nil)
            return result
        }
        _ = dt_setopt_slist(h, CURLOPT_HTTPHEADER, nil)
        _ = dt_setopt_ptr(h, CURLOPT_WRITEDATA, nil)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            guard let tls = TLSFailure.classify(curlCode: Int(code.rawValue), detail: text) else {
                throw TransportError("POST \(url): \(text)")
            }
            throw TransportError("POST \(url): \(tls.sentence) (\(text))", tls: tls)
        }
        var status = 0
        _ = dt_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, body: buffer.bytes)
    }
}

/// Collects the response body inside libcurl's write callback.
private final class ResponseBuffer {
    var bytes: [UInt8] = []
}
