import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// A fake sysfs tree in a temporary folder: only the files a test writes exist.
final class FakeSysfs {
    let dir = TempDir()
    var root: String { dir.path }

    func write(_ path: String, _ text: String) {
        let full = root + path
        try! FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    func remove(_ path: String) { try? FileManager.default.removeItem(atPath: root + path) }

    func throttled(_ hex: String) { write(HealthSensor.throttledFile, hex + "\n") }
    func temperature(_ milli: String) { write(HealthSensor.thermalFile, milli + "\n") }
    /// An `rpi_volt` hwmon device (beside another hwmon device, as on a real Pi).
    func voltAlarm(_ value: String) {
        write(HealthSensor.hwmonFolder + "/hwmon0/name", "cpu_thermal\n")
        write(HealthSensor.hwmonFolder + "/hwmon0/in0_lcrit_alarm", "1\n") // not ours: must be ignored
        write(HealthSensor.hwmonFolder + "/hwmon1/name", "rpi_volt\n")
        write(HealthSensor.hwmonFolder + "/hwmon1/in0_lcrit_alarm", value + "\n")
    }

    func cleanup() { dir.cleanup() }
}

@Suite struct HealthSensorTests {
    /// Every documented bit, alone: (hex text, the flag it sets).
    @Test(arguments: [
        ("1", ThrottleFlags.underVoltage), ("2", .freqCapped), ("4", .throttled), ("8", .softTempLimit),
        ("10000", .underVoltageOccurred), ("20000", .freqCappedOccurred), ("40000", .throttledOccurred),
        ("80000", .softTempLimitOccurred),
    ])
    func eachBitParsesToItsFlag(hex: String, flag: ThrottleFlags) {
        #expect(ThrottleFlags.parse(Array((hex + "\n").utf8)) == flag)
    }

    static let texts: [(String, UInt32?)] = [
        ("0", 0), ("50005\n", 0x50005), ("0x50000", 0x50000), ("  e000f \n", 0xE000F), ("ffffffff", 0xFFFF_FFFF),
        ("", nil), ("\n", nil), ("zz", nil), ("0x", nil), ("-1", nil), ("123456789", nil), ("1 2", nil),
        ("throttled=0x5", nil),
    ]

    @Test(arguments: texts)
    func throttledTextParsesOrIsRefused(text: String, value: UInt32?) {
        #expect(ThrottleFlags.parse(Array(text.utf8))?.rawValue == value)
    }

    /// Each bit alone, through the wire object: which members are true (the rest present and false).
    static let bits: [(UInt32, [String])] = [
        (0x0, []),
        (0x1, ["under_voltage_now", "under_voltage_since_boot"]),
        (0x2, ["freq_capped_since_boot"]),
        (0x4, ["throttled_now", "throttled_since_boot"]),
        (0x8, []), // soft temperature limit: parsed, not on the wire
        (0x10000, ["under_voltage_since_boot"]),
        (0x20000, ["freq_capped_since_boot"]),
        (0x40000, ["throttled_since_boot"]),
        (0x80000, []),
    ]

    @Test(arguments: bits)
    func eachBitReachesTheWireObject(raw: UInt32, trueMembers: [String]) {
        var seen = ThrottleFlags()
        let h = HealthSensor.health(throttled: ThrottleFlags(rawValue: raw), voltAlarm: nil, tempC: nil, seen: &seen)
        let members: [(String, Bool?)] = [
            ("under_voltage_now", h.underVoltageNow), ("under_voltage_since_boot", h.underVoltageSinceBoot),
            ("throttled_now", h.throttledNow), ("throttled_since_boot", h.throttledSinceBoot),
            ("freq_capped_since_boot", h.freqCappedSinceBoot),
        ]
        for (name, value) in members {
            #expect(value == trueMembers.contains(name), "\(name)")
        }
        #expect(h.tempC == nil)
    }

    @Test func sinceBootIsKeptWhenTheFirmwareBitsAreCleared() {
        // The hwmon driver clears the sticky bits every 2 s: the agent remembers what it saw.
        var seen = ThrottleFlags()
        _ = HealthSensor.health(throttled: ThrottleFlags(rawValue: 0x50005), voltAlarm: nil, tempC: nil, seen: &seen)
        let later = HealthSensor.health(
            throttled: ThrottleFlags(rawValue: 0), voltAlarm: false, tempC: nil, seen: &seen)
        #expect(later.underVoltageNow == false)
        #expect(later.underVoltageSinceBoot == true)
        #expect(later.throttledNow == false)
        #expect(later.throttledSinceBoot == true)
        #expect(later.freqCappedSinceBoot == false)
    }

    @Test func theHwmonAlarmAloneGivesUnderVoltageOnly() {
        var seen = ThrottleFlags()
        let on = HealthSensor.health(throttled: nil, voltAlarm: true, tempC: nil, seen: &seen)
        #expect(on == DeviceHealth(underVoltageNow: true, underVoltageSinceBoot: true))
        let off = HealthSensor.health(throttled: nil, voltAlarm: false, tempC: nil, seen: &seen)
        #expect(off == DeviceHealth(underVoltageNow: false, underVoltageSinceBoot: true))
        var fresh = ThrottleFlags()
        #expect(
            HealthSensor.health(throttled: nil, voltAlarm: false, tempC: 41.5, seen: &fresh)
                == DeviceHealth(underVoltageNow: false, underVoltageSinceBoot: false, tempC: 41.5))
    }

    static let temperatures: [(String, Double?)] = [
        ("48312\n", 48.3), ("0", 0), ("-5250", -5.3), ("85000", 85), ("", nil), ("hot", nil),
        ("48.3", nil), ("999999", nil), ("-100000", nil),
    ]

    @Test(arguments: temperatures)
    func temperatureTextParsesOrIsRefused(text: String, celsius: Double?) {
        #expect(HealthSensor.parseTemperature(Array(text.utf8)) == celsius)
    }

    static let alarms: [(String, Bool?)] = [("0\n", false), ("1", true), ("2", nil), ("", nil), ("yes", nil)]

    @Test(arguments: alarms)
    func alarmTextParsesOrIsRefused(text: String, value: Bool?) {
        #expect(HealthSensor.parseAlarm(Array(text.utf8)) == value)
    }

    @Test func missingFilesLeaveMembersOutNeverFalse() {
        let sys = FakeSysfs()
        defer { sys.cleanup() }
        #expect(HealthSensor(root: sys.root).read() == nil) // not a Pi: no field at all
        sys.temperature("51234")
        #expect(HealthSensor(root: sys.root).read() == DeviceHealth(tempC: 51.2))
        sys.voltAlarm("0")
        #expect(
            HealthSensor(root: sys.root).read()
                == DeviceHealth(underVoltageNow: false, underVoltageSinceBoot: false, tempC: 51.2))
    }

    @Test func realFilesAreReadOnEveryCallAndGarbledOnesAreUnknown() {
        let sys = FakeSysfs()
        defer { sys.cleanup() }
        sys.throttled("0")
        sys.voltAlarm("0")
        sys.temperature("40000")
        let sensor = HealthSensor(root: sys.root)
        #expect(
            sensor.read()
                == DeviceHealth(
                    underVoltageNow: false, underVoltageSinceBoot: false, throttledNow: false,
                    throttledSinceBoot: false, freqCappedSinceBoot: false, tempC: 40))
        sys.throttled("50005")
        sys.temperature("79999")
        #expect(
            sensor.read()
                == DeviceHealth(
                    underVoltageNow: true, underVoltageSinceBoot: true, throttledNow: true,
                    throttledSinceBoot: true, freqCappedSinceBoot: false, tempC: 80))
        sys.throttled("garbled")
        sys.temperature("")
        sys.voltAlarm("0")
        // The firmware word is unknown now; the alarm still answers, and what was seen this boot stays.
        #expect(sensor.read() == DeviceHealth(underVoltageNow: false, underVoltageSinceBoot: true))
        sys.remove(HealthSensor.thermalFile)
        sys.remove(HealthSensor.throttledFile)
        sys.remove(HealthSensor.hwmonFolder)
        #expect(sensor.read() == nil)
    }
}

@Suite struct HealthSensorCostTests {
    /// The cost of sensing on every beat: 1,000 readings of all three files (the measured figure is in docs/DESIGN.md).
    @Test func aThousandReadingsTakeWellUnderASecond() {
        let sys = FakeSysfs()
        defer { sys.cleanup() }
        sys.throttled("50005")
        sys.voltAlarm("0")
        sys.temperature("48312")
        let sensor = HealthSensor(root: sys.root)
        let clock = ContinuousClock()
        var last: DeviceHealth?
        let took = clock.measure {
            for _ in 0..<1_000 { last = sensor.read() }
        }
        print("HealthSensor: 1,000 readings in \(took)")
        #expect(last?.tempC == 48.3)
        #expect(took < .seconds(1))
    }
}
