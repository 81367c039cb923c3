import DowntimeProtocol

/// Reads the device's power and thermal state from sysfs on each beat: three small files, no process
/// spawned. Where a file is missing (not a Pi, an older kernel) that member is absent, never false.
public final class HealthSensor {
    /// Raspberry Pi kernels only (drivers/firmware/raspberrypi.c); hex text.
    public static let throttledFile = "/sys/devices/platform/soc/soc:firmware/get_throttled"
    /// Mainline and Raspberry Pi kernels (drivers/hwmon/raspberrypi-hwmon.c): the hwmon device named
    /// `rpi_volt` has `in0_lcrit_alarm`, 1 while the firmware reported under-voltage in the last 2 s poll.
    public static let hwmonFolder = "/sys/class/hwmon"
    public static let voltName = "rpi_volt"
    /// drivers/thermal/thermal_sysfs.c `temp_show`: millidegrees Celsius as a decimal integer.
    public static let thermalFile = "/sys/class/thermal/thermal_zone0/temp"

    let throttledPath: String
    let thermalPath: String
    /// Found once: hwmon numbering is fixed for a boot.
    let voltAlarmPath: String?
    /// What this process saw in this boot, so "since boot" holds where the hwmon driver clears the firmware's bits.
    public private(set) var seen = ThrottleFlags()

    /// `root` prefixes every path (tests give a folder of fake files; "/" is the real system).
    public init(root: String = "/") {
        let base = root == "/" ? "" : (root.hasSuffix("/") ? String(root.dropLast()) : root)
        throttledPath = base + Self.throttledFile
        thermalPath = base + Self.thermalFile
        voltAlarmPath = Self.findVoltAlarm(in: base + Self.hwmonFolder)
    }

    /// The current state, or nil when the device has none of the sensors.
    public func read() -> DeviceHealth? {
        let throttled = Self.contents(throttledPath).flatMap(ThrottleFlags.parse)
        let alarm = voltAlarmPath.flatMap(Self.contents).flatMap(Self.parseAlarm)
        let temp = Self.contents(thermalPath).flatMap(Self.parseTemperature)
        let health = Self.health(throttled: throttled, voltAlarm: alarm, tempC: temp, seen: &seen)
        return health.isEmpty ? nil : health
    }

    /// Pure: the wire object from what was read, folding this reading into `seen`.
    public static func health(
        throttled: ThrottleFlags?, voltAlarm: Bool?, tempC: Double?,
        seen: inout ThrottleFlags
    ) -> DeviceHealth {
        if let throttled { seen.formUnion(throttled.occurred) }
        if voltAlarm == true { seen.insert(.underVoltageOccurred) }
        var health = DeviceHealth(tempC: tempC)
        if throttled != nil || voltAlarm != nil {
            health.underVoltageNow = throttled?.contains(.underVoltage) == true || voltAlarm == true
            health.underVoltageSinceBoot = seen.contains(.underVoltageOccurred)
        }
        if throttled != nil {
            health.throttledNow = throttled?.contains(.throttled)
            health.throttledSinceBoot = seen.contains(.throttledOccurred)
            health.freqCappedSinceBoot = seen.contains(.freqCappedOccurred)
        }
        return health
    }

    /// hwmon's alarm text: "0" or "1". Nil when garbled.
    public static func parseAlarm(_ bytes: [UInt8]) -> Bool? {
        switch String(decoding: bytes, as: UTF8.self).trimmedWhitespace {
        case "0": false
        case "1": true
        default: nil
        }
    }

    /// Millidegrees ("48312\n") to degrees rounded to 0.1; nil when garbled or implausible.
    public static func parseTemperature(_ bytes: [UInt8]) -> Double? {
        guard let milli = Int(String(decoding: bytes, as: UTF8.self).trimmedWhitespace) else { return nil }
        let celsius = (Double(milli) / 100).rounded() / 10
        return DeviceHealth.tempRange.contains(celsius) ? celsius : nil
    }

    static func findVoltAlarm(in folder: String) -> String? {
        guard let entries = try? FileIO.list(folder) else { return nil }
        for entry in entries.sorted() {
            let dir = folder + "/" + entry
            guard let name = contents(dir + "/name"),
                String(decoding: name, as: UTF8.self).trimmedWhitespace == voltName
            else { continue }
            return dir + "/in0_lcrit_alarm"
        }
        return nil
    }

    /// A file's bytes; nil when missing or unreadable (a sensor that went away is unknown, not an error).
    static func contents(_ path: String) -> [UInt8]? {
        (try? FileIO.read(path)) ?? nil
    }
}
