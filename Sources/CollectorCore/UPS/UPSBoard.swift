import CollectorRules

/// The newest state of each configured UPS and how many events of each kind this process stored: what the page,
/// the API and `/metrics` show (held by the `Collector`, changed by its polls).
public struct UPSBoard: Sendable, Equatable {
    /// By name (`name@host:port`), every configured UPS from the start.
    public var states: [String: UPSState]
    public var counts: [UPSEvent.Kind: Int] = [:]

    public init(names: [String]) {
        states = Dictionary(uniqueKeysWithValues: names.map { ($0, UPSState(name: $0)) })
    }

    /// The states in the configured order's stead: by name.
    public var sorted: [UPSState] { states.values.sorted { $0.name < $1.name } }
}
