import CCurl
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Boot facts from Linux: `/proc` files, clock_gettime and adjtimex; paths can be redirected for tests.
public final class LinuxBootFacts: BootFacts {
    public static let defaultBootIDFile = "/proc/sys/kernel/random/boot_id"
    public static let defaultUptimeFile = "/proc/uptime"
    public static let defaultTimeSyncFile = "/run/systemd/timesync/synchronized"

    let bootIDFile: String
    let uptimeFile: String
    let timeSyncFile: String
    public init(
        bootIDFile: String = defaultBootIDFile, uptimeFile: String = defaultUptimeFile,
        timeSyncFile: String = defaultTimeSyncFile
    ) {
        self.bootIDFile = bootIDFile
        self.uptimeFile = uptimeFile
        self.timeSyncFile = timeSyncFile
    }

    public func bootID() throws(FileError) -> String {
        guard let bytes = try FileIO.read(bootIDFile) else { throw FileError("read", bootIDFile, code: ENOENT) }
        let text = String(decoding: bytes, as: UTF8.self).trimmedWhitespace.lowercased()
        let ok =
            (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || $0 == 45 }
        guard ok else { throw FileError("parse boot id in", bootIDFile, code: EINVAL) }
        return text
    }

    /// CLOCK_BOOTTIME; or, from a given uptime file, the uptime it held when it was last modified
    /// plus the time since (so a test writes it once per simulated boot, and every agent process
    /// started in that "boot" reads a consistent, advancing uptime).
    public func uptime() -> Double {
        let boottime = Self.clock(CLOCK_BOOTTIME)
        if uptimeFile == Self.defaultUptimeFile { return boottime }
        var st = stat()
        guard let bytes = try? FileIO.read(uptimeFile), let value = Self.parseUptime(bytes), stat(uptimeFile, &st) == 0
        else {
            return boottime
        }
        let modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        return value + max(0, Self.clock(CLOCK_REALTIME) - modified)
    }

    public func monotonic() -> Double { Self.clock(CLOCK_MONOTONIC) }

    public func now() -> Date {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Date(timeIntervalSince1970: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
    }

    public func clockSynced() -> Bool {
        if FileIO.exists(timeSyncFile) { return true }
        // With no timesyncd flag file, ask the kernel: chrony and ntpd clear STA_UNSYNC.
        return dt_kernel_clock_unsynced() == 0
    }

    /// First field of a `/proc/uptime`-style text ("8285.15 16211.41").
    static func parseUptime(_ bytes: [UInt8]) -> Double? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let first = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).first,
            let value = Double(first), value.isFinite, value >= 0
        else { return nil }
        return value
    }

    static func clock(_ id: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(id, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
