import CollectorRules
import DowntimeProtocol
import Foundation
import Testing

/// How a device's maintenance events make its windows, with frozen times.
@Suite struct DeviceMaintenanceRuleTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_677_200)

    static func start(
        _ at: TimeInterval, for length: TimeInterval, untilBack: Bool = false, boot: String = "b1",
        device: String = "pi",
        id: UUID = UUID()
    ) -> Event {
        Event(
            id: id, device: device, at: t0 + at, bootID: boot,
            payload: .maintenanceStart(
                MaintenanceAnnouncement(
                    start: t0 + at, end: t0 + at + length, untilBack: untilBack, reason: "kernel upgrade")))
    }

    static func end(_ at: TimeInterval, back: Bool = false, boot: String = "b1", device: String = "pi") -> Event {
        Event(device: device, at: t0 + at, bootID: boot, payload: .maintenanceEnd(back: back))
    }

    /// (events, the windows' (start, end) offsets from t0).
    @Test(arguments: [
        ([start(0, for: 1_800)], [[0.0, 1_800.0]]),
        // --end inside the window ends it then; after it, it changes nothing.
        ([start(0, for: 1_800), end(600)], [[0, 600]]),
        ([start(0, for: 1_800), end(2_000)], [[0, 1_800]]),
        // An end before a start (arrived in any order) ends nothing of a later window.
        ([end(-10), start(0, for: 1_800)], [[0, 1_800]]),
        // A back end ends only a window waiting for a new boot, and only from another boot.
        ([start(0, for: 3_600, untilBack: true), end(300, back: true, boot: "b2")], [[0, 300]]),
        ([start(0, for: 3_600, untilBack: true), end(300, back: true, boot: "b1")], [[0, 3_600]]),
        ([start(0, for: 1_800), end(300, back: true, boot: "b2")], [[0, 1_800]]),
        // --end also ends an --until-back window.
        ([start(0, for: 3_600, untilBack: true), end(60)], [[0, 60]]),
        // Another device's end is not this one's.
        ([start(0, for: 1_800), end(600, device: "nas")], [[0, 1_800]]),
        // Two windows: an end closes those open at its time.
        ([start(0, for: 1_800), start(3_000, for: 600), end(3_100)], [[0, 1_800], [3_000, 3_100]]),
    ])
    func windows(_ events: [Event], _ expected: [[Double]]) {
        let got = DeviceMaintenanceRule.windows(events).map {
            [$0.start.timeIntervalSince(Self.t0), $0.end.timeIntervalSince(Self.t0)]
        }
        #expect(got == expected)
    }

    @Test func aStartIsAppliedOnceByItsId() {
        let id = UUID()
        var windows: [DeviceMaintenance] = []
        DeviceMaintenanceRule.apply(Self.start(0, for: 60, id: id), to: &windows)
        DeviceMaintenanceRule.apply(Self.start(0, for: 60, id: id), to: &windows)
        #expect(windows.count == 1)
    }

    /// (beat's boot, beat's offset, whether it ends the --until-back window announced in b1 at 0 for 1 h).
    @Test(arguments: [
        ("b2", 120.0, true), ("b1", 120, false), ("b2", -5, false), ("b2", 3_600, false), ("b2", 3_599, true),
    ])
    func theFirstBeatOfANewBootIsBack(_ boot: String, _ at: Double, _ back: Bool) {
        let windows = DeviceMaintenanceRule.windows([Self.start(0, for: 3_600, untilBack: true)])
        #expect(DeviceMaintenanceRule.isBack(windows, device: "pi", bootID: boot, at: Self.t0 + at) == back)
        #expect(!DeviceMaintenanceRule.isBack(windows, device: "nas", bootID: boot, at: Self.t0 + at))
    }

    @Test func aWindowAnnouncedWithoutUntilBackIsNotEndedByABeat() {
        let windows = DeviceMaintenanceRule.windows([Self.start(0, for: 3_600)])
        #expect(!DeviceMaintenanceRule.isBack(windows, device: "pi", bootID: "b2", at: Self.t0 + 60))
    }

    /// Liveness sees the device's window beside the collector's own: paused while either covers now, and a fresh
    /// window from the later end.
    @Test func overlapWithTheCollectorsWindows() {
        let device = DeviceMaintenanceRule.windows([Self.start(0, for: 1_800)]).compactMap(\.window)
        let admin = MaintenanceWindow(
            target: .tag("nas"), schedule: .once(start: Self.t0 + 1_000, end: Self.t0 + 2_400))
        let plan = MaintenancePlan(windows: [admin] + device)
        let state = { (at: Double, tags: [String]) in plan.state(device: "pi", tags: tags, now: Self.t0 + at) }
        #expect(state(1_500, []).active && state(1_500, ["nas"]).active)
        #expect(!state(2_000, []).active && state(2_000, []).lastEnd == Self.t0 + 1_800)
        #expect(state(2_000, ["nas"]).active)
        #expect(!state(2_500, ["nas"]).active && state(2_500, ["nas"]).lastEnd == Self.t0 + 2_400)
        #expect(device.first?.reason == "kernel upgrade")
        #expect(plan.intervals(device: "nas-2", tags: [], in: DateInterval(start: Self.t0, duration: 3_000)).isEmpty)
    }

    @Test func theCurrentWindowIsTheLatestStarted() {
        let windows = DeviceMaintenanceRule.windows([Self.start(0, for: 1_800), Self.start(600, for: 600)])
        #expect(DeviceMaintenanceRule.current(windows, device: "pi", now: Self.t0 + 700)?.start == Self.t0 + 600)
        #expect(DeviceMaintenanceRule.current(windows, device: "pi", now: Self.t0 + 1_300)?.start == Self.t0)
        #expect(DeviceMaintenanceRule.current(windows, device: "pi", now: Self.t0 + 1_800) == nil)
    }
}
