/// The state of an agent's state folder: `ok`, or why it cannot be written.
public enum StorageState: String, Codable, Sendable, CaseIterable {
    case ok
    case readOnly = "read_only"
    case full
    case ioError = "io_error"

    /// The words shown to people ("storage read-only since 14:02").
    public var label: String {
        switch self {
        case .ok: "writable"
        case .readOnly: "read-only"
        case .full: "full"
        case .ioError: "failing (I/O error)"
        }
    }
}
