import CurlClient

/// `http:URL`: a GET through libcurl answered 2xx or 3xx (redirects are not followed), or exactly
/// `status=`; with `contains=`, the body must hold the text.
enum HTTPProbe {
    static func run(url: String, status: Int?, contains: String?, timeout: Double) -> CheckRun {
        let response: CurlResponse
        do {
            let handle = try CurlHandle(
                connectTimeout: timeout, userAgent: "downtime-agent/\(AgentCoreVersion.version)")
            response = try handle.perform(CurlRequest(url: url, method: .get, timeout: timeout))
        } catch {
            return .failing(error.message)
        }
        let got = response.status
        if let status, got != status { return .failing("HTTP \(got), expected \(status)") }
        if status == nil, !(200...399).contains(got) { return .failing("HTTP \(got)") }
        if let contains, !response.body.containsSubsequence(Array(contains.utf8)) {
            return .failing("HTTP \(got), body lacks \"\(contains)\"")
        }
        return .ok("HTTP \(got)")
    }
}

extension [UInt8] {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard count >= needle.count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
