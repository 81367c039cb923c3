import CCurl
import Foundation

/// Reads it as the agent does: systemd-timesyncd's flag file, else the kernel (adjtimex, STA_UNSYNC),
/// which chrony and ntpd clear. A flag file other than the default is trusted alone (a test hook:
/// present means synced, absent unsynced), since a test cannot unsync the kernel's clock.
public struct LinuxClockSyncProbe: ClockSyncProbe {
    public static let defaultFlagFile = "/run/systemd/timesync/synchronized"
    public let flagFile: String

    public init(flagFile: String = defaultFlagFile) {
        self.flagFile = flagFile
    }

    public func isSynced() -> Bool {
        if FileManager.default.fileExists(atPath: flagFile) { return true }
        if flagFile != Self.defaultFlagFile { return false }
        return dt_kernel_clock_unsynced() == 0
    }
}
