/// Device-name rules: `[a-z0-9][a-z0-9._-]{0,62}` after lower-casing.
public enum DeviceName {
    public static let maxLength = 63
    /// The rule in words, as every refusal of a name (a device's, a site's, a tag's) says it.
    public static let rule = "[a-z0-9][a-z0-9._-]{0,62}"

    /// The lower-cased name if it is valid, nil otherwise.
    public static func normalize(_ raw: String) -> String? {
        let name = raw.lowercased()
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maxLength, isAlnum(first) else { return nil }
        for byte in bytes.dropFirst() where !(isAlnum(byte) || byte == 46 || byte == 95 || byte == 45) {
            return nil
        }
        return name
    }

    /// True when `name` is already a valid, lower-case device name.
    public static func isValid(_ name: String) -> Bool {
        normalize(name) == name
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 48 && c <= 57)
    }
}
