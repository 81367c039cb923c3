import CCurl
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The machine facts gap detection needs, read fresh on every call; tests inject their own.
public protocol BootFacts: AnyObject {
    /// The kernel's id for this boot; it changes on every reboot.
    func bootID() throws(FileError) -> String
    /// Seconds since boot, suspend included (CLOCK_BOOTTIME).
    func uptime() -> Double
    /// Seconds on a clock that never jumps and stops while suspended (CLOCK_MONOTONIC).
    func monotonic() -> Double
    /// Wall-clock time, which may jump (NTP, a user, a Pi without a real-time clock).
    func now() -> Date
    /// True once the wall clock was set from a time source in this boot.
    func clockSynced() -> Bool
}

extension BootFacts {
    /// All the facts at one moment.
    public func snapshot(bootID: String) -> BootSnapshot {
        BootSnapshot(bootID: bootID, now: now(), uptime: uptime(), monotonic: monotonic(), clockSynced: clockSynced())
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmedWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
