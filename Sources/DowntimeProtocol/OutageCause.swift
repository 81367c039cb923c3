#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why a device was down, as the agent (or the collector's merge) explains it.
public enum OutageCause: String, Codable, Sendable, CaseIterable {
    case powerLoss = "power_loss"
    case cleanReboot = "clean_reboot"
    case agentStopped = "agent_stopped"
    case suspend
    case network
    case unknown
    /// Made by the collector only (docs/DESIGN.md "Agent gaps"): the agent stopped cleanly and came back in the same
    /// boot. The device never went down: neither up nor down, like `unreachable`, and never downtime.
    case agentGap = "agent_gap"

    /// The words shown to people.
    public var label: String {
        switch self {
        case .powerLoss: "power loss or crash"
        case .cleanReboot: "clean reboot"
        case .agentStopped: "agent stopped"
        case .suspend: "suspended"
        case .network: "network"
        case .unknown: "unknown"
        case .agentGap: "agent stopped (device not down)"
        }
    }
}
