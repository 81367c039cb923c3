/// Feeds a mail to libcurl's read callback (SMTP uploads; HTTP bodies go as POSTFIELDS, without a copy).
final class UploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        buffer, size, count, context in
        let source = Unmanaged<UploadSource>.fromOpaque(context!).takeUnretainedValue()
        let n = min(size * count, source.bytes.count - source.offset)
        guard n > 0, let buffer else { return 0 }
        source.bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + source.offset, byteCount: n)
        }
        source.offset += n
        return n
    }
}
