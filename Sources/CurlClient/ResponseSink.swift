/// Collects the answer inside libcurl's write callback, capped: the answers we read are small.
final class ResponseSink {
    /// Answers larger than this are cut off (the transfer fails).
    static let maxBytes = 1 << 20
    var bytes: [UInt8] = []

    static let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let context else { return 0 } // no sink: aborts the transfer
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        guard sink.bytes.count + n <= maxBytes else { return 0 } // aborts the transfer
        if n > 0, let data { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
        return n
    }
}
