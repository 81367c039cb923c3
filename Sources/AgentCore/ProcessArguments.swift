/// The agent's command-line words. The Swift runtime captures them at start; a preloaded library that runs first
/// (libfaketime does, in tests of a device's clock step) can leave that capture empty, while the kernel still has
/// them in `/proc/self/cmdline`. Without the fallback, `downtime-agent job backup -- …` would run as a bare agent.
public enum ProcessArguments {
    /// The words after the program's name: the runtime's, else the kernel's.
    public static func current(runtime: [String], cmdline: () -> [UInt8]?) -> [String] {
        if !runtime.isEmpty { return Array(runtime.dropFirst()) }
        return Array(parse(cmdline() ?? []).dropFirst())
    }

    /// `/proc/PID/cmdline`: each word ends with a NUL (an empty word is two NULs in a row).
    public static func parse(_ bytes: [UInt8]) -> [String] {
        guard !bytes.isEmpty else { return [] }
        let body = bytes.last == 0 ? bytes.dropLast() : bytes[...]
        return body.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
