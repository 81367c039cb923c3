import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The device's power flags and temperature, read on every tick, and when this boot last saw each power
/// warning: kept in the state file, those times are the evidence of a power cut found at the next boot
/// (DESIGN: Power health).
public struct PowerWatch {
    /// Three small sysfs files, no process spawned.
    let sensor: HealthSensor
    /// This tick's reading, sent with the beat.
    public private(set) var reading: DeviceHealth?
    /// When this boot last read under-voltage / throttling now.
    public private(set) var underVoltageSeen: Date?
    public private(set) var throttledSeen: Date?

    init(sensor: HealthSensor) {
        self.sensor = sensor
    }

    /// Reads the sensor at `now`; true when a power warning appears that the previous reading did not show.
    mutating func read(at now: Date) -> Bool {
        note(sensor.read(), at: now)
    }

    /// Takes a reading made at `now`; true when a power warning appears that the previous one did not show.
    mutating func note(_ h: DeviceHealth?, at now: Date) -> Bool {
        let uv = h?.underVoltageNow == true
        let th = h?.throttledNow == true
        let appeared = (uv && reading?.underVoltageNow != true) || (th && reading?.throttledNow != true)
        if uv { underVoltageSeen = now }
        if th { throttledSeen = now }
        reading = h
        return appeared
    }

    /// A restart within the boot: what this boot saw still counts.
    mutating func resume(from saved: AgentState) {
        underVoltageSeen = saved.underVoltageSeen
        throttledSeen = saved.throttledSeen
    }

    /// The state to write, with this boot's warnings.
    func stamped(_ state: AgentState) -> AgentState {
        var state = state
        state.underVoltageSeen = underVoltageSeen
        state.throttledSeen = throttledSeen
        return state
    }

    /// An outage found at start: the ended boot's last power warnings are its evidence.
    static func withEvidence(_ outage: OutageReport, from ended: AgentState) -> OutageReport {
        var outage = outage
        outage.underVoltageSeen = ended.underVoltageSeen
        outage.throttledSeen = ended.throttledSeen
        return outage
    }
}
