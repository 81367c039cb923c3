import CollectorRules
import DowntimeProtocol
import Foundation

/// Every change an admin makes to the devices and the maintenance windows: enrolment and the server's
/// additions, and every CLI command. A running server takes CLI changes on its next sweep (the store's
/// external change mark); names are checked here, so every caller refuses the same bad input the same way.
public struct DeviceAdmin: Sendable {
    let store: any Store
    let clock: any WallClock

    public init(store: any Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Every device as stored, by name.
    public func devices() async throws -> [DeviceRecord] {
        try await store.allDevices()
    }

    /// Adds a device with a fresh token; the token is returned only here (the store keeps its hash).
    public func add(_ raw: String) async throws -> (token: String, record: DeviceRecord) {
        guard let name = DeviceName.normalize(raw) else { throw AdminError.invalidNewName }
        let token = Tokens.generate()
        let record = DeviceRecord(name: name, tokenHash: Tokens.hash(token), createdAt: clock.now())
        do {
            try await store.addDevice(record)
        } catch StoreError.deviceExists {
            throw AdminError.nameTaken(name)
        }
        return (token, record)
    }

    /// Removes a device, its token and its log; returns its name.
    @discardableResult
    public func remove(_ raw: String) async throws -> String {
        let name = try Self.deviceName(raw)
        guard try await store.removeDevice(named: name) else { throw AdminError.noDevice(name) }
        return name
    }

    /// Pauses or resumes a device (a flip in its log); returns its name.
    @discardableResult
    public func setPaused(_ paused: Bool, device raw: String) async throws -> String {
        let name = try Self.deviceName(raw)
        guard let record = try await store.device(named: name) else { throw AdminError.noDevice(name) }
        guard record.paused != paused else { return name }
        // The status column keeps the pre-pause status; on resume the device gets a fresh window
        // from now, like after a collector restart (a down device stays down until it beats).
        let to: DeviceStatus = paused ? .paused : record.status
        let reason: FlipReason = paused ? .pausedByAdmin : .resumedByAdmin
        let flip = Fleet.flip(name, from: paused ? record.status : .paused, to: to, at: clock.now(), reason: reason)
        guard try await store.setPaused(paused, flip: flip) else { throw AdminError.noDevice(name) }
        return name
    }

    /// Gives a device a new token and returns it (shown once); the old one stops working. A running server
    /// learns it at once when the change is its own (`Collector.adminChanged`), else on its next sweep.
    public func regenerateToken(device raw: String) async throws -> (name: String, token: String) {
        let name = try Self.deviceName(raw)
        let token = Tokens.generate()
        guard try await store.setTokenHash(Tokens.hash(token), device: name) else { throw AdminError.noDevice(name) }
        return (name, token)
    }

    /// Sets the interval the collector expects from a device (1 to 86,400 s), or clears it with nil;
    /// returns its name.
    @discardableResult
    public func setInterval(_ seconds: Int?, device raw: String) async throws -> String {
        let name = try Self.deviceName(raw)
        if let seconds, !(1...86_400).contains(seconds) { throw AdminError.invalidInterval }
        guard try await store.setInterval(seconds, device: name) else { throw AdminError.noDevice(name) }
        return name
    }

    /// Replaces a device's tags (same characters as device names); returns its name and the tags as stored.
    @discardableResult
    public func setTags(_ raw: [String], device rawName: String) async throws -> (name: String, tags: [String]) {
        let name = try Self.deviceName(rawName)
        let tags = try raw.map { tag -> String in
            guard let clean = DeviceName.normalize(tag) else { throw AdminError.invalidTag(tag) }
            return clean
        }
        guard try await store.setTags(tags, device: name) else { throw AdminError.noDevice(name) }
        return (name, tags)
    }

    /// Puts a device in a site (same characters as device names), or in the default site with nil or `default`;
    /// returns its name and the site as stored (nil: the default site).
    @discardableResult
    public func setSite(_ raw: String?, device rawName: String) async throws -> (name: String, site: String?) {
        let name = try Self.deviceName(rawName)
        if let raw, !SiteName.isValid(raw) { throw AdminError.invalidSite(raw) }
        let site = raw.flatMap(SiteName.normalize)
        guard try await store.setSite(site, device: name) else { throw AdminError.noDevice(name) }
        return (name, site)
    }

    /// Sets the name a device shows on public status pages, or clears it with nil (it shows as "Device 1"...);
    /// returns its name and the display name as stored.
    @discardableResult
    public func setDisplayName(_ raw: String?, device rawName: String) async throws -> (name: String, shown: String?) {
        let name = try Self.deviceName(rawName)
        var shown: String?
        if let raw {
            guard let clean = DisplayName.normalize(raw) else { throw AdminError.invalidDisplayName }
            shown = clean
        }
        guard try await store.setDisplayName(shown, device: name) else { throw AdminError.noDevice(name) }
        return (name, shown)
    }

    /// Makes `device` depend on `parent` (its router, its switch), or on nothing with nil; returns its name.
    /// An unknown device or parent, a dependency on itself or one that closes a loop is refused, nothing changed.
    @discardableResult
    public func setParent(_ rawParent: String?, device raw: String) async throws -> String {
        let name = try Self.deviceName(raw)
        let devices = try await store.allDevices()
        let parents = Dictionary(uniqueKeysWithValues: devices.map { ($0.name, $0.dependsOn) })
        guard parents[name] != nil else { throw AdminError.noDevice(name) }
        var parent: String?
        if let rawParent {
            let p = try Self.deviceName(rawParent)
            guard parents[p] != nil else { throw AdminError.noDevice(p) }
            guard p != name else { throw AdminError.dependsOnItself(name) }
            // Walk up from the new parent: reaching the device again would close a loop.
            var chain = [name, p]
            var next = parents[p] ?? nil
            while let up = next, chain.count <= parents.count {
                chain.append(up)
                if up == name { throw AdminError.dependencyCycle(chain) }
                next = parents[up] ?? nil
            }
            parent = p
        }
        guard try await store.setDependsOn(parent, device: name) else { throw AdminError.noDevice(name) }
        return name
    }

    /// The windows added by admins (the configured ones are not in the store).
    public func maintenanceWindows() async throws -> [MaintenanceWindow] {
        try await store.maintenanceWindows()
    }

    /// Adds a window given as words (`all weekly sun 02:00-04:00`); returns its id and the window.
    public func addMaintenance(_ spec: String) async throws -> (id: Int64, window: MaintenanceWindow) {
        let window: MaintenanceWindow
        do { window = try MaintenanceWindow.parse(spec) } catch { throw AdminError.invalidWindow(error) }
        return (try await store.addMaintenance(window), window)
    }

    /// Adds a window from now for `duration` (`90s`, `30m`, `2h`, `1d`) for `target` (all, device:NAME, tag:TAG).
    public func startMaintenance(_ target: String, for duration: String) async throws
        -> (id: Int64, window: MaintenanceWindow)
    {
        guard let seconds = Durations.parse(duration) else { throw AdminError.invalidDuration }
        let now = clock.now()
        return try await addMaintenance("\(target) once \(WireTime.format(now)) \(WireTime.format(now + seconds))")
    }

    public func removeMaintenance(id: Int64) async throws {
        guard try await store.removeMaintenance(id: id) else { throw AdminError.noWindow(id) }
    }

    /// The lower-cased name of an existing device's `raw` name.
    public static func deviceName(_ raw: String) throws -> String {
        guard let name = DeviceName.normalize(raw) else { throw AdminError.invalidName(raw) }
        return name
    }
}
