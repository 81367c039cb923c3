import Foundation

/// The end of the last quiet hours whose summary each channel sent (docs/DESIGN.md "Quiet hours"), kept in the
/// store: a restart, or a new leader of several collectors, sends the summary that fell due while none ran, and
/// never one already sent.
public protocol QuietLog: Store {
    /// The end of the channel's last quiet window told (or its baseline); nil when none was recorded.
    func quietSent(channel: String) async throws -> Date?
    /// Records the summary of the channel's window ending at `end` as sent; never moves a channel's end back.
    func setQuietSent(channel: String, end: Date) async throws
}
