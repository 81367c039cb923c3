import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the agent concluded at start-up.
public enum StartFinding: Sendable, Equatable {
    case firstRun
    case unreadableState
    /// Same boot, agent restarted within the threshold, or stopped cleanly: nothing to report.
    case agentRestarted
    case agentStopped
    case rebooted(clean: Bool)
}
