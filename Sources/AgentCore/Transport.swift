import CurlClient

/// Sends JSON to the collector; `CurlTransport` in production, a fake in tests.
public protocol Transport: AnyObject {
    /// POSTs `body` (JSON) to `path` under the collector URL; `timeout` overrides the total timeout.
    func post(_ path: String, body: [UInt8], bearer: String?, timeout: Double?) throws(CurlError) -> CurlResponse
    /// Called about once a second while a request waits for its answer.
    var whileWaiting: (() -> Void)? { get set }
}
