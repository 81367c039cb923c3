import Foundation

/// The end of the last quiet hours whose summary each channel sent (docs/DESIGN.md "Quiet hours"), kept in the
/// store: a restart, or a new leader of several collectors, sends the summary that fell due while none ran, and
/// never one already sent.
public protocol QuietLog: Store {
    /// The end of the channel's last quiet window told (or its baseline); nil when none was recorded.
    func quietSent(channel: String) async throws -> Date?
    /// Records the summary of the channel's window ending at `end` as sent; never moves a channel's end back.
    func setQuietSent(channel: String, end: Date) async throws
    /// Moves the channel's end back to `end` only when the one recorded lies after `now` (recorded on a clock that ran
    /// ahead); returns whether it did.
    func rewindQuietSent(channel: String, end: Date, now: Date) async throws -> Bool
}
