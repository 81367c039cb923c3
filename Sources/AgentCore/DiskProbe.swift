import Glibc

/// `disk:PATH:90%`: used space on PATH's file system (as `df` counts it: what is free to users, not the
/// blocks reserved for root), under the limit.
enum DiskProbe {
    static func run(path: String, maxPercent: Int) -> CheckRun {
        var st = statvfs()
        guard statvfs(path, &st) == 0 else {
            return .unknown("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let used = UInt64(st.f_blocks - st.f_bfree)
        let total = used + UInt64(st.f_bavail)
        guard total > 0 else { return .unknown("\(path) has no blocks") }
        let percent = Int((used * 100 + total - 1) / total)
        let free = Double(UInt64(st.f_bavail) * UInt64(st.f_frsize))
        let text = "\(percent)% used, \(Self.size(free)) free"
        return percent < maxPercent ? .ok(text) : .failing(text + " (limit \(maxPercent)%)")
    }

    static func size(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = bytes
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : "\((value * 10).rounded() / 10) \(units[unit])"
    }
}
