import CollectorRules
import DowntimeProtocol
import Foundation

/// Registered jobs (`job add|list|remove`): a job is a name on a device with a schedule; its key (shown once,
/// stored hashed like a device token) lets a plain `curl` report its runs at `/ping/job/KEY…`.
public struct JobAdmin: Sendable {
    let store: any Store
    let clock: any WallClock
    /// The zone cron schedules are read in (`DOWNTIME_TIMEZONE`).
    let zone: TimeZone

    public init(store: any Store, zone: TimeZone, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.zone = zone
        self.clock = clock
    }

    /// What `job add` was given, as typed.
    public struct Request: Sendable {
        public var name: String
        public var device: String
        public var every: String?
        public var cron: String?
        public var grace: String?
        public var maxRuntime: String?

        public init(
            name: String, device: String, every: String?, cron: String?, grace: String? = nil,
            maxRuntime: String? = nil
        ) {
            self.name = name
            self.device = device
            self.every = every
            self.cron = cron
            self.grace = grace
            self.maxRuntime = maxRuntime
        }
    }

    /// The default grace: how late a start may be before the job is late.
    public static let defaultGrace: TimeInterval = 3600

    public func list() async throws -> [JobRecord] { try await store.jobs() }

    /// A new job and its key (shown once).
    public func add(_ r: Request) async throws -> (record: JobRecord, key: String) {
        guard let name = DeviceName.normalize(r.name) else { throw AdminError.invalidJobName(r.name) }
        let schedule = try Self.schedule(every: r.every, cron: r.cron)
        let grace = try r.grace.map { try Self.duration($0, "--grace") } ?? Self.defaultGrace
        let maxRuntime = try r.maxRuntime.map { try Self.duration($0, "--max-runtime") }
        guard let device = DeviceName.normalize(r.device), try await store.device(named: device) != nil else {
            throw AdminError.jobDeviceUnknown(r.device)
        }
        let key = Tokens.generate()
        let record = JobRecord(
            spec: JobSpec(
                name: name, device: device, schedule: schedule, grace: grace, maxRuntime: maxRuntime,
                createdAt: clock.now()),
            keyHash: Tokens.hex(Tokens.hash(key)))
        do { try await store.addJob(record) } catch StoreError.jobExists {
            throw AdminError.jobTaken(name)
        } catch StoreError.noSuchDevice {
            throw AdminError.jobDeviceUnknown(device)
        }
        return (record, key)
    }

    /// Removes a job (its runs stay in its device's log); returns its name.
    @discardableResult
    public func remove(_ raw: String) async throws -> String {
        guard let name = DeviceName.normalize(raw) else { throw AdminError.invalidJobName(raw) }
        guard try await store.removeJob(named: name) else { throw AdminError.noJob(name) }
        return name
    }

    /// Exactly one of `--every DURATION` and `--cron EXPR`.
    static func schedule(every: String?, cron: String?) throws -> JobSchedule {
        switch (every, cron) {
        case (let every?, nil): return JobSchedule.every(try duration(every, "--every"))
        case (nil, let cron?):
            do { return JobSchedule.cron(try CronSchedule(cron)) } catch {
                throw AdminError.invalidSchedule("--cron \(error)")
            }
        default: throw AdminError.invalidSchedule("give one of --every (like 1d) or --cron (like \"0 3 * * *\")")
        }
    }

    static func duration(_ text: String, _ option: String) throws -> TimeInterval {
        guard let seconds = Durations.parse(text) else { throw AdminError.invalidJobDuration(option) }
        return seconds
    }
}
