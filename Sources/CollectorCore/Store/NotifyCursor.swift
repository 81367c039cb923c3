/// How far the notifications got in the log: every told row up to `seq` was handed to the planner, except `held`,
/// the rows at or before it whose message may still be held (grouping, settling, an incident waiting). A restart (or
/// a new leader) tells the held rows and what follows `seq`, and nothing already told.
public struct NotifyCursor: Sendable, Equatable {
    public var seq: Int64
    public var held: [Int64]

    public init(seq: Int64, held: [Int64] = []) {
        self.seq = seq
        self.held = held.sorted()
    }

    /// More held rows than this are not listed: the cursor then stays before the oldest (as many rows may be told
    /// twice after a crash, none lost), so that the row stays small in a fleet-wide outage.
    static let maxListed = 1000

    /// The cursor for `read` (the last row handed to the planner) and the positions still held.
    static func after(_ read: Int64, holding: [Int64]) -> NotifyCursor {
        if holding.count > maxListed, let oldest = holding.min() { return NotifyCursor(seq: oldest - 1) }
        return NotifyCursor(seq: read, held: holding)
    }

    var heldText: String { held.map(String.init).joined(separator: ",") }

    /// The stored list (comma separated positions); what does not read as one is left out.
    static func held(from text: String) -> [Int64] {
        text.split(separator: ",").compactMap { Int64($0) }
    }
}
