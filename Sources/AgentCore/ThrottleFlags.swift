/// The Raspberry Pi firmware's `get_throttled` word. Bit meanings are the firmware's (Raspberry Pi
/// documentation, "get_throttled"); the kernel passes the word through untouched:
/// - raspberrypi/linux drivers/firmware/raspberrypi.c, `get_throttled_show`: the sysfs file
///   `/sys/devices/platform/soc/soc:firmware/get_throttled` prints the last word the firmware returned as
///   `"%x\n"` (hex, no 0x). The attribute is only created when the firmware answers GET_THROTTLED
///   (`rpi_register_hwmon_driver`), and its first read logs a one-time "deprecated" kernel warning.
/// - drivers/hwmon/raspberrypi-hwmon.c (mainline and Raspberry Pi kernels): polls the firmware every 2 s
///   asking it to clear the sticky bits, so where that driver runs the "has occurred" bits mean "in the
///   last poll interval", not "since boot": the agent keeps its own since-boot memory (`HealthSensor`).
public struct ThrottleFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let underVoltage = ThrottleFlags(rawValue: 1 << 0)
    public static let freqCapped = ThrottleFlags(rawValue: 1 << 1)
    public static let throttled = ThrottleFlags(rawValue: 1 << 2)
    public static let softTempLimit = ThrottleFlags(rawValue: 1 << 3)
    public static let underVoltageOccurred = ThrottleFlags(rawValue: 1 << 16)
    public static let freqCappedOccurred = ThrottleFlags(rawValue: 1 << 17)
    public static let throttledOccurred = ThrottleFlags(rawValue: 1 << 18)
    public static let softTempLimitOccurred = ThrottleFlags(rawValue: 1 << 19)

    /// The "has occurred" bits implied by this word: each "now" bit also counts as occurred.
    public var occurred: ThrottleFlags {
        let now = rawValue & 0xF
        return ThrottleFlags(rawValue: (rawValue & 0xF_0000) | (now << 16))
    }

    /// The sysfs text ("50005\n"); a leading "0x" (as `vcgencmd` prints it) is accepted. Nil when garbled.
    public static func parse(_ bytes: [UInt8]) -> ThrottleFlags? {
        var text = Substring(String(decoding: bytes, as: UTF8.self).trimmedWhitespace)
        if text.hasPrefix("0x") || text.hasPrefix("0X") { text = text.dropFirst(2) }
        guard (1...8).contains(text.count), let value = UInt32(text, radix: 16) else { return nil }
        return ThrottleFlags(rawValue: value)
    }
}
