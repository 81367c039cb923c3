/// What a service check on a device says: it works, it does not, or it could not be run (no permission,
/// no systemd, no such sensor) or the device is not up to tell.
public enum CheckState: String, Codable, Sendable, CaseIterable {
    case ok
    case failing
    case unknown
}
