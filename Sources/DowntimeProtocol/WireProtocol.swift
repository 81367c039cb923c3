#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The protocol version this module speaks; sent by agents as part of `agent_version` paths and `/api/v1`.
public enum WireProtocol {
    public static let version = 1
    public static let apiPrefix = "/api/v1"
}
