#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Appends JSON text to a byte buffer: the fast path for large answers (10,000 devices), where
/// `JSONEncoder` spends most of the request. Same wire form as `WireCoding` (times as `WireTime`).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "{"), UInt8(ascii: "}"), body)
    }

    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        container(UInt8(ascii: "["), UInt8(ascii: "]"), body)
    }

    private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(open)
        needsComma = false
        body(&self)
        bytes.append(close)
        needsComma = true
    }

    /// Writes `"name":`; the value written next belongs to it.
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ s: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func string(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    public mutating func int(_ v: Int) {
        raw(String(v))
    }

    /// A finite number as its shortest round-trip text; null for NaN and infinities, which JSON lacks.
    public mutating func double(_ v: Double?) {
        guard let v, v.isFinite else { return null() }
        raw(v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v))
    }

    public mutating func bool(_ v: Bool?) {
        guard let v else { return null() }
        raw(v ? "true" : "false")
    }

    /// A member written only when it has a value (what `Codable` does with an absent optional).
    public mutating func member(_ name: String, ifPresent v: Bool?) {
        guard let v else { return }
        key(name)
        bool(v)
    }

    public mutating func member(_ name: String, ifPresent v: Double?) {
        guard let v else { return }
        key(name)
        double(v)
    }

    public mutating func date(_ d: Date?) {
        guard let d else { return null() }
        string(WireTime.format(d))
    }

    public mutating func null() { raw("null") }

    private mutating func raw(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}

extension OutageView {
    /// The same object `Codable` writes (no `end` while ongoing), keys sorted.
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("cause")
            w.string(cause.rawValue)
            w.key("duration_s")
            w.double(durationS)
            if let end {
                w.key("end")
                w.date(end)
            }
            w.key("source")
            w.string(source)
            w.key("start")
            w.date(start)
        }
    }
}

extension StorageWarning {
    /// The same object `Codable` writes (no `error` when absent), keys sorted.
    public func write(to w: inout JSONWriter) {
        w.object { w in
            if let error {
                w.key("error")
                w.string(error)
            }
            w.key("path")
            w.string(path)
            w.key("since")
            w.date(since)
            w.key("state")
            w.string(state.rawValue)
            w.key("unsaved_events")
            w.int(unsavedEvents)
        }
    }
}

extension DeviceHealth {
    /// The same object `Codable` writes (absent members left out), keys sorted.
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.member("freq_capped_since_boot", ifPresent: freqCappedSinceBoot)
            w.member("temp_c", ifPresent: tempC)
            w.member("throttled_now", ifPresent: throttledNow)
            w.member("throttled_since_boot", ifPresent: throttledSinceBoot)
            w.member("under_voltage_now", ifPresent: underVoltageNow)
            w.member("under_voltage_since_boot", ifPresent: underVoltageSinceBoot)
        }
    }
}

extension Acknowledgement {
    /// The same object `Codable` writes, keys sorted.
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("at")
            w.date(at)
            w.key("by")
            w.string(by)
        }
    }
}

extension MaintenanceAnnouncement {
    /// The same object `Codable` writes, keys sorted.
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("end")
            w.date(end)
            w.key("reason")
            w.string(reason)
            w.key("start")
            w.date(start)
            w.key("until_back")
            w.bool(untilBack)
        }
    }
}

extension DeviceView {
    /// A service check's result in the device's object (the same four members as before).
    static func write(_ c: CheckResult, to w: inout JSONWriter) {
        w.object { w in
            w.key("detail")
            w.string(c.detail)
            w.key("name")
            w.string(c.name)
            w.key("since")
            w.date(c.since)
            w.key("state")
            w.string(c.state.rawValue)
        }
    }

    /// The same object `encode(to:)` writes (nulls written out), keys sorted.
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("acknowledged")
            if let a = acknowledged { a.write(to: &w) } else { w.null() }
            w.key("agent_version")
            w.string(agentVersion)
            w.key("boot_id")
            w.string(bootID)
            w.key("checks")
            w.array { w in for c in checks { Self.write(c, to: &w) } }
            w.key("clock_skew_s")
            w.double(clockSkewS)
            w.key("clock_synced")
            w.bool(clockSynced)
            w.key("critical")
            w.bool(critical)
            w.key("current_outage")
            if let o = currentOutage { o.write(to: &w) } else { w.null() }
            w.key("depends_on")
            w.string(dependsOn)
            w.key("health")
            if let h = health { h.write(to: &w) } else { w.null() }
            w.key("interval_s")
            w.int(intervalS)
            w.key("last_outage")
            if let o = lastOutage { o.write(to: &w) } else { w.null() }
            w.key("last_seen")
            w.date(lastSeen)
            w.key("maintenance")
            if let m = maintenance { m.write(to: &w) } else { w.null() }
            w.key("name")
            w.string(name)
            w.key("site")
            w.string(site)
            w.key("snoozed_until")
            w.date(snoozedUntil)
            w.key("status")
            w.string(status.rawValue)
            w.key("storage")
            if let s = storage { s.write(to: &w) } else { w.null() }
            w.key("tags")
            w.array { w in for t in tags { w.string(t) } }
            w.key("uptime")
            w.object { w in
                w.member("24h", ifPresent: uptime.day)
                w.member("30d", ifPresent: uptime.month)
                w.member("7d", ifPresent: uptime.week)
            }
            w.key("uptime_s")
            w.double(uptimeS)
        }
    }
}

extension DeviceList {
    /// The JSON of this page, as `WireCoding.encode` would write it, in a fraction of the time.
    public func jsonBytes() -> [UInt8] {
        var w = JSONWriter(capacity: 64 + devices.count * 400)
        w.object { w in
            w.key("devices")
            w.array { w in for d in devices { d.write(to: &w) } }
            w.key("next")
            w.string(next)
        }
        return w.bytes
    }
}
