import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Result of reading the state file. An empty or broken file is not a first run: it says a
/// power cut probably hit mid-write, and is reported as such.
public enum StateLoad: Sendable, Equatable {
    case missing
    case unreadable(reason: String)
    case loaded(AgentState)
}
