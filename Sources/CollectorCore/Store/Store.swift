import CollectorRules
import DowntimeProtocol
import Foundation
import Logging

/// Persistence of devices, their logs and the collector's own runs; SQLite (one collector) or PostgreSQL (several).
public protocol Store: AccountStore, StatusPageStore, AlertStore, JobStore {
    func allDevices() async throws -> [DeviceRecord]
    func device(named name: String) async throws -> DeviceRecord?
    func device(tokenHash: [UInt8]) async throws -> DeviceRecord?
    /// Adds a device; throws `StoreError.deviceExists` for a taken name.
    func addDevice(_ record: DeviceRecord) async throws
    /// Removes a device and its log; false when there was none.
    func removeDevice(named name: String) async throws -> Bool
    /// Sets the pause flag and records the flip in one transaction; false when there is no such device.
    func setPaused(_ paused: Bool, flip: FlipChange) async throws -> Bool
    /// Sets (or clears, with nil) an admin's interval for a device; false when there is no such device.
    func setInterval(_ seconds: Int?, device: String) async throws -> Bool
    /// Sets (or clears, with nil) the device a device depends on; false when there is no such device.
    func setDependsOn(_ parent: String?, device: String) async throws -> Bool
    /// Replaces a device's token hash (a new token); false when there is no such device.
    func setTokenHash(_ hash: [UInt8], device: String) async throws -> Bool
    /// Replaces a device's tags; false when there is no such device.
    func setTags(_ tags: [String], device: String) async throws -> Bool
    /// Sets (or clears, with nil: the default site) a device's site; false when there is no such device.
    func setSite(_ site: String?, device: String) async throws -> Bool
    /// Sets (or clears, with nil) the name a device shows on public status pages; false when there is no such device.
    func setDisplayName(_ displayName: String?, device: String) async throws -> Bool
    /// Stores daily availability figures (day as `YYYY-MM-DD`, UTC), replacing the same days.
    func saveDaily(_ rows: [(device: String, day: String, down: Double, known: Double)]) async throws
    /// A device's daily figures, oldest first.
    func daily(device: String) async throws -> [(day: String, down: Double, known: Double)]
    /// Deletes log rows (devices', UPSes' and the collector's own records) older than `before`, and incidents that
    /// ended before it (retention); returns how many.
    func deleteEvents(before: Date) async throws -> Int
    /// Stores the collector's own records (each once, by id).
    func saveCollectorRecords(_ records: [CollectorRecord]) async throws
    /// The newest `limit` records of the collector, oldest first.
    func collectorRecords(limit: Int) async throws -> [CollectorRecord]
    /// Moves by `offset` the flips received in `window` that were recorded on an unsynchronised clock
    /// (`UnsyncedRedating`), and the devices' `status_since` in it; returns how many flips moved.
    func redateUnsyncedFlips(receivedIn window: ClosedRange<Date>, by offset: TimeInterval) async throws -> Int
    /// Moves the flips of `ids` by `offset` (`UnsyncedRedating.redatedAfterStepBack`: an excursion of the clock), a
    /// device's `status_since` with its flip; returns the flips moved, as they were.
    func redateFlips(ids: [UUID], by offset: TimeInterval) async throws -> [Event]
    /// Writes one delivery attempt (one row per device it was about).
    func recordDelivery(_ r: DeliveryRecord) async throws
    /// A device's newest delivery attempts, newest first.
    func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord]
    /// Maintenance windows added with the CLI.
    func maintenanceWindows() async throws -> [MaintenanceWindow]
    /// Adds a window and returns its id.
    func addMaintenance(_ window: MaintenanceWindow) async throws -> Int64
    /// Removes a window; false when there was none.
    func removeMaintenance(id: Int64) async throws -> Bool
    /// Every device's maintenance events (announced windows and their ends) at or after `since`, oldest first.
    func maintenanceEvents(since: Date) async throws -> [Event]
    /// Writes the newest beats of many devices and the collector's alive mark in one transaction.
    func saveBeats(_ beats: [String: BeatState], aliveAt: Date) async throws
    /// Stores events not stored before (by id) and returns the ids now stored, in input order.
    func insertEvents(_ events: [Event], receivedAt: Date) async throws -> [UUID]
    /// Stores flips and the devices' new statuses in one transaction, each only if the device's stored
    /// status is still the flip's `from` (another collector may have recorded the same change first).
    /// Returns the flips recorded.
    @discardableResult
    func recordFlips(_ flips: [FlipChange]) async throws -> [FlipChange]
    /// A device's log, oldest first: rows after `afterSeq` (a cursor) at or after `since`.
    func events(device: String, since: Date?, afterSeq: Int64?, limit: Int) async throws -> [StoredEvent]
    /// The rows that shape outages and uptime (flips, outages, unreachable and collector-down records)
    /// since `since`, grouped by device; all devices when `device` is nil.
    func timelineEvents(since: Date, device: String?) async throws -> [String: [StoredEvent]]
    /// Every device's log, for export, oldest first.
    func allEvents() async throws -> [StoredEvent]
    /// Stores service check flips, each with its `check` row in the device's log, in one transaction (each once, by id).
    func recordCheckFlips(_ flips: [CheckFlip]) async throws
    /// A device's check flips at or after `since`, and the newest before it of each check (its state then), oldest
    /// first.
    func checkFlips(device: String, since: Date) async throws -> [CheckFlip]
    /// The newest flip of every check, by device: the checks' states when the collector starts.
    func newestCheckFlips() async throws -> [String: [CheckFlip]]
    /// Stores UPS events not stored before (by id) and returns their ids, in input order.
    @discardableResult
    func insertUPSEvents(_ events: [StoredUPSEvent]) async throws -> [UUID]
    /// UPS events newest first: of one UPS (all when nil), at or after `since`.
    func upsEvents(ups: String?, since: Date?, limit: Int) async throws -> [StoredUPSEvent]
    /// Writes incidents, each replacing the one of its id (docs/DESIGN.md "Sites and incidents"); `at` is their
    /// `updated_at`.
    func saveIncidents(_ incidents: [Incident], at: Date) async throws
    /// The incidents that started at or after `since`, newest first.
    func incidents(since: Date) async throws -> [Incident]
    func incident(id: String) async throws -> Incident?
    /// How many incidents of each kind are recorded.
    func incidentCounts() async throws -> [Incident.Kind: Int]
    /// Starts a collector run at `at`; returns the previous run's last alive time, if any.
    func beginRun(at: Date) async throws -> Date?
    /// A number that changes whenever another process (the CLI) changed the store.
    func externalChangeMark() async throws -> Int
}
