import Foundation

/// The slot of the last digest each channel sent (docs/DESIGN.md "Digests"), kept in the store: a restart, or a new
/// leader of several collectors, sends the digest that fell due while none ran, and never one already sent.
public protocol DigestLog: Store {
    /// The slot of the channel's last digest sent (or its baseline); nil when none was recorded.
    func digestSent(channel: String) async throws -> Date?
    /// Records the channel's digest of `slot` as sent; never moves a channel's slot back.
    func setDigestSent(channel: String, slot: Date) async throws
    /// Moves the channel's slot back to `slot` only when the one recorded lies after `now` (recorded on a clock that
    /// ran ahead); returns whether it did.
    func rewindDigestSent(channel: String, slot: Date, now: Date) async throws -> Bool
}
