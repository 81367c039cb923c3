import CCurl

/// Feeds a mail to libcurl's read callback (SMTP uploads; HTTP bodies go as POSTFIELDS, without a copy).
final class UploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        buffer, size, count, context in
        guard let context else { return Int(CURL_READFUNC_ABORT) }
        let source = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
        let n = min(size * count, source.bytes.count - source.offset)
        guard n > 0, let buffer else { return 0 }
        let copied = source.bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + source.offset, byteCount: n)
            return n
        }
        source.offset += copied
        return copied
    }
}
