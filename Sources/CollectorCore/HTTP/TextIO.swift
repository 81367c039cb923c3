import Hummingbird

/// Answers that are not JSON: the pages (HTML), the log as text and CSV.
enum TextIO {
    static func text(_ text: String, contentType: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
