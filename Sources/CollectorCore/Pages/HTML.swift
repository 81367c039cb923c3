/// HTML escaping for a single string.
public enum HTML {
    public static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        HTMLWriter.escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
