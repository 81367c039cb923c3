import CCurl

/// The closure behind `CurlHandle.whileWaiting`, handed to libcurl's progress callback.
final class WaitHook {
    let body: () -> Void

    init(_ body: @escaping () -> Void) { self.body = body }

    /// `CURLOPT_XFERINFOFUNCTION`: runs the hook; 0 lets the transfer go on.
    static let progress:
        @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
            -> Int32 = { data, _, _, _, _ in
                guard let data else { return 0 }
                Unmanaged<WaitHook>.fromOpaque(data).takeUnretainedValue().body()
                return 0
            }
}
