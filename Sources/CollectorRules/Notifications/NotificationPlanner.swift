import DowntimeProtocol
import Foundation

/// Decides which flips become messages (pure, driven by the times it is given):
/// - a down is held for `groupWindow`, so many devices going down together give one grouped message
///   (at least 4 devices and at least half of all: likely the network or the collector's side), and two or more
///   of one named site one grouped message for that site;
/// - an incident (a power cut or network outage across a site, docs/DESIGN.md "Sites and incidents") is one message,
///   sent once it has been unchanged for `settle` since first recorded (members that join meanwhile are in it); it
///   replaces its members' held messages, and a member later than that updates the record without a new message;
/// - an up waits `settle`, so the agent's own report of the outage (cause, exact end) can join it;
/// - after a down message, `damp` minutes of bouncing give no more messages but one summary at the end;
/// - a device seen for the first time is told at once;
/// - an agent's storage problem is told once per problem (its `storage` event, not every beat that carries it);
/// - a device's under-voltage is told when it appears, then `damp` quiet with one summary of its returns;
/// - a UPS event is told at once, but a lost connection only once it has lasted `upsHold` (a comms back within
///   that time drops both: a flaky NUT server does not spam);
/// - a service check failing or recovering is held for `settle` and told per device (see `observeChecks`);
/// - a job's problem or its end is held for `groupWindow`, and the jobs held together are one message (see
///   `observeJobs`).
public struct NotificationPlanner: Sendable {
    /// A message to send: what happened, to whom, and when it was observed.
    public struct Planned: Sendable, Equatable {
        public var kind: Notification.Kind
        public var devices: [String]
        public var at: Date
        /// Why, as people read it (a flip's reason); empty where the kind says it all.
        public var reason: String = ""
        /// For `flapping`: how many flips were kept quiet.
        public var flips: Int = 0
        /// For `group`: whether the devices went down or came back up together.
        public var direction: Direction? = nil
        /// For `storage`: the agent's problem and the folder it concerns.
        public var storage: StorageProblem? = nil
        /// For `ups`: the UPS's event (`devices` holds its name).
        public var ups: UPSEvent? = nil
        /// For `group`: the site all its devices are in, when the group is a site's.
        public var site: String? = nil
        /// For `incident`: the incident as first recorded.
        public var incident: Incident? = nil
        /// For `checkFailing`, `checkOk` and a check's `flapping`: the checks of the device it is about.
        public var checks: [String] = []
        /// A down of a critical device (`DeviceAlerts`): a channel may ring louder (Pushover's priority 1).
        public var critical = false
        /// For `jobProblem`, `jobOk` and a job's `flapping`: the job's change (a summary's `to` is its state now).
        public var job: JobFlipRecord? = nil
        /// For a `jobProblem` or `jobOk` of two or more jobs held together: each job's flip (`job` is then nil).
        public var jobs: [JobFlip] = []
    }

    /// Which way the devices of a grouped message went.
    public enum Direction: Sendable, Equatable {
        case down, up
    }

    /// An agent's storage problem as told: its state and its state folder.
    public struct StorageProblem: Sendable, Equatable {
        public var state: StorageState
        public var path: String
    }

    package struct Held: Sendable {
        package var device: String
        package var at: Date
        package var reason: String
        package var due: Date
        /// The flip it is about (its event id).
        package var flip: UUID
    }

    package struct DeviceState: Sendable {
        package var quietUntil: Date?
        package var recoveryTold = false
        package var flips = 0
    }

    public var damp: TimeInterval
    public var groupWindow: TimeInterval
    public var settle: TimeInterval
    /// How long a UPS's comms lost is held before it is told.
    public var upsHold: TimeInterval
    /// Per UPS: a comms lost not told yet, and when it is due.
    package var upsCommsLost: [String: (event: UPSEvent, due: Date)] = [:]
    package var downs: [Held] = []
    package var ups: [Held] = []
    package var ready: [Planned] = []
    package var devices: [String: DeviceState] = [:]
    /// The storage problem last told per device; cleared by its `ok` event.
    package var storageTold: [String: StorageState] = [:]
    /// The `storage` events whose message is in `ready`, not handed out yet.
    package var storageReady: Set<UUID> = []
    /// Per device: until when under-voltage is kept quiet, and how often it came back meanwhile.
    package var underVoltage: [String: (quietUntil: Date, again: Int)] = [:]
    /// Incidents whose message waits until they have been unchanged for `settle`, in the order first recorded.
    package var incidents: [(incident: Incident, due: Date)] = []
    /// Incidents whose message went out, as told, by id: a later update drops only the messages that one told (a
    /// member told as still down keeps its up message when it comes back).
    package var told: [String: Incident] = [:]
    /// Per device: the time of the down its own message (or a group's) last told. A return of that down is not an
    /// incident member's return told by the incident, whatever the slack says (campaign seed 373).
    package var downsTold: [String: Date] = [:]
    /// Check messages waiting for `settle` (see `observeChecks`).
    package var checksHeld: [HeldCheck] = []
    /// Per check (`CheckKey`): its quiet time after a failing message, like a device's after a down.
    package var checkQuiet: [CheckKey: DeviceState] = [:]
    /// The checks whose failing was told and whose recovery was not yet.
    package var checksToldFailing: Set<CheckKey> = []
    /// Devices whose newest flip left them down, unreachable or paused: their checks' failing messages wait.
    package var devicesNotUp: Set<String> = []
    /// Failing messages of checks whose device is not up, by check: held again when it is back up.
    package var checksSetAside: [CheckKey: HeldCheck] = [:]
    /// Per job: its quiet time and what was told (see `observeJobs`).
    package var jobs: [String: JobMemory] = [:]
    /// Job messages waiting for `groupWindow` (see `observeJobs`).
    package var jobsHeld: [HeldJob] = []
    /// Acknowledgements, snoozes and critical devices as last given (`PlannerInput.alerts`), applied to what is due.
    public var alerts = DeviceAlerts()

    public init(
        damp: TimeInterval = 600, groupWindow: TimeInterval = 10, settle: TimeInterval = 30, upsHold: TimeInterval = 10
    ) {
        self.damp = damp
        self.groupWindow = groupWindow
        self.settle = settle
        self.upsHold = upsHold
    }

    /// Takes the flips the collector just recorded, observed at `now`.
    /// Takes in what happened; the planner holds, groups or damps it until `due`.
    public mutating func observe(_ input: PlannerInput) {
        switch input {
        case .flips(let flips, let now): observe(flips, now: now)
        case .underVoltage(let device, let at): observeUnderVoltage(device: device, at: at)
        case .ups(let event): observeUPS(event)
        case .storage(let device, let state, let path, let at, let event):
            observeStorage(device: device, state: state, path: path, at: at, event: event)
        case .incident(let incident, let new, let now): observeIncident(incident, new: new, now: now)
        case .checkFlips(let flips, let now): observeChecks(flips, now: now)
        case .jobFlips(let flips, let now): observeJobs(flips, now: now)
        case .clockStepped(let step): clockStepped(by: step)
        case .alerts(let alerts): self.alerts = alerts
        }
    }

    /// The wall clock stepped by `step`: every wait (a held message, an incident's settle, a UPS's comms hold, a
    /// device's or a service check's quiet time) ends as long after its start as before. Left on the old clock, a step back of a minute
    /// would hold a message a minute longer (campaign seed 277: an incident held past a kill was due a minute after
    /// the restart), and a step ahead would cut holds short.
    public mutating func clockStepped(by step: TimeInterval) {
        for i in downs.indices { downs[i].due += step }
        for i in ups.indices { ups[i].due += step }
        for i in incidents.indices { incidents[i].due += step }
        upsCommsLost = upsCommsLost.mapValues { ($0.event, $0.due + step) }
        for name in devices.keys { devices[name]?.quietUntil? += step }
        for i in checksHeld.indices { checksHeld[i].due += step }
        for key in checkQuiet.keys { checkQuiet[key]?.quietUntil? += step }
        for name in jobs.keys { jobs[name]?.quiet.quietUntil? += step }
        for i in jobsHeld.indices { jobsHeld[i].due += step }
    }

    public mutating func observe(_ flips: [FlipChange], now: Date) {
        for f in flips {
            guard case .flip(let r) = f.event.payload else { continue }
            let name = f.device
            deviceFlipped(name, to: r.to, now: now)
            var s = devices[name] ?? DeviceState()
            let quiet = s.quietUntil.map { now < $0 } ?? false
            switch (r.from, r.to) {
            case (.new, .up):
                ready.append(Planned(kind: .new, devices: [name], at: now, reason: r.reason, flips: 0))
            case (_, .down):
                if let i = ups.firstIndex(where: { $0.device == name }), now + groupWindow <= ups[i].at,
                    !downs.contains(where: { $0.device == name })
                {
                    // An older down replayed after its return was seen live (a restarted collector's first tick reads
                    // the held rows after a beat already brought the device back, campaign seed 353): its hold ended
                    // before the return, so it is told, and the return after it. Not when a down of the device is
                    // still held: then the return was of that one and this down is a bounce (a step back of the
                    // collector's clock made a live down look older than the return, campaign seed 359).
                    downs.append(
                        Held(device: name, at: f.event.at, reason: r.reason, due: now + groupWindow, flip: f.event.id))
                } else if let i = ups.firstIndex(where: { $0.device == name }) {
                    // Back down before its recovery was told: a bounce, told in the summary.
                    ups.remove(at: i)
                    s.recoveryTold = true
                    s.flips += 2
                } else if quiet {
                    s.flips += 1
                } else {
                    downs.append(
                        Held(device: name, at: f.event.at, reason: r.reason, due: now + groupWindow, flip: f.event.id))
                }
            case (.down, .up):
                if let i = downs.firstIndex(where: { $0.device == name }), downs[i].due > now {
                    // Recovered within its down's hold: nothing to tell.
                    downs.remove(at: i)
                } else if quiet && s.recoveryTold {
                    s.flips += 1
                } else {
                    // A down already due (its message lost with a killed collector and replayed together with its
                    // return, campaign seed 353) is still told, then its return.
                    ups.append(Held(device: name, at: now, reason: r.reason, due: now + settle, flip: f.event.id))
                    s.recoveryTold = true
                }
            default:
                break // pauses and resumes are an admin's own doing
            }
            devices[name] = s
        }
    }

    /// How far a held message's time may lie outside a member's outage and still be of it: a down flip is dated at
    /// the last beat (up to a beat before the agent's own start), an up flip at the first beat after the boot.
    package static let memberSlack: TimeInterval = 30

    /// True when `member`'s outage is the one the held down (dated at its start) is about.
    package static func tells(_ member: Incident.Member, down held: Held, now: Date) -> Bool {
        held.device == member.device && held.at >= member.start - memberSlack && held.at <= (member.end ?? now)
    }

    /// True when `member`'s outage is the one the held up (dated at its receipt) ended.
    package static func tells(_ member: Incident.Member, up held: Held, now: Date) -> Bool {
        held.device == member.device && held.at >= member.start && held.at <= (member.end ?? now) + memberSlack
    }

    /// How recent an incident's end must be for it to be told: one found in old history (the first start after an
    /// upgrade correlates the last month) or completed by a report days late is recorded, not announced.
    public static let incidentFreshness: TimeInterval = 3600

    /// Takes an incident the leader recorded (`new` the first time): the first time it is one message (when it ended
    /// within `incidentFreshness`, or goes on), due once the incident has been unchanged for `settle` (an update
    /// before then replaces it and waits again: the agents of a cut report one after another as they boot); either
    /// way its members' held messages are dropped (the incident tells their outage).
    public mutating func observeIncident(_ incident: Incident, new: Bool, now: Date) {
        // Only the messages of the outages the incident tells: a member's other outage keeps its own (docs/DESIGN.md
        // "One message per incident"), and a member the sent message told as still down keeps the message of its
        // return.
        let waiting = incidents.contains { $0.incident.id == incident.id }
        if !waiting { correct(incident, now: now) }
        let toldDown = Set((waiting ? [] : told[incident.id]?.stillDown ?? []).map(\.device))
        // An update of an incident already told tells nothing more: only the outages its message named are told
        // (campaign seed 337: a member's later outage joined the told incident for a while and its up was lost).
        let fresh = (incident.end ?? now) >= now - Self.incidentFreshness
        let telling = waiting || (new && fresh) ? incident.members : told[incident.id]?.members ?? incident.members
        downs.removeAll { held in telling.contains { Self.tells($0, down: held, now: now) } }
        ups.removeAll { held in
            telling.contains { member in
                !toldDown.contains(member.device) && Self.tells(member, up: held, now: now)
                    && !(downsTold[member.device].map { $0 > (member.end ?? now) } ?? false)
            }
        }
        if let i = incidents.firstIndex(where: { $0.incident.id == incident.id }) {
            incidents[i] = (incident, now + settle)
            return
        }
        guard new, fresh else { return }
        incidents.append((incident, now + settle))
    }

    /// A told incident updated without members its message named (their agents' reports came later and gave another
    /// cause, campaign seeds 307, 317, 379): one correction naming them, and the incident as told no longer holds
    /// them, so their own later messages (a return) are told on their own.
    private mutating func correct(_ incident: Incident, now: Date) {
        guard var was = told[incident.id] else { return }
        let still = Set(incident.deviceNames)
        let left = Set(was.deviceNames).subtracting(still).sorted()
        guard !left.isEmpty else { return }
        was.members.removeAll { left.contains($0.device) }
        told[incident.id] = was
        ready.append(Planned(kind: .correction, devices: left, at: now, incident: incident))
    }

    /// Takes an agent's `storage` event observed at `at`: a new problem is told at once, a repeat
    /// (the same event resent, or the same problem again) is not, and `ok` re-arms it.
    public mutating func observeStorage(
        device: String, state: StorageState, path: String, at: Date, event: UUID? = nil
    ) {
        guard state != .ok else {
            storageTold[device] = nil
            return
        }
        guard storageTold[device] != state else { return }
        storageTold[device] = state
        if let event { storageReady.insert(event) }
        ready.append(
            Planned(
                kind: .storage, devices: [device], at: at, flips: 0,
                storage: StorageProblem(state: state, path: path)))
    }

    /// Takes a device's under-voltage appearing at `at`: told at once, then quiet for `damp`; returns within
    /// that time are counted and told in one summary when it ends.
    public mutating func observeUnderVoltage(device: String, at: Date) {
        if var s = underVoltage[device], at < s.quietUntil {
            s.again += 1
            underVoltage[device] = s
            return
        }
        underVoltage[device] = (at + damp, 0)
        ready.append(Planned(kind: .underVoltage, devices: [device], at: at))
    }

    /// Takes a UPS event: told at once, but comms lost only after `upsHold` without comms back.
    public mutating func observeUPS(_ event: UPSEvent) {
        switch event.kind {
        case .commsLost:
            upsCommsLost[event.ups] = (event, event.at + upsHold)
            return
        case .commsBack:
            // Back before the loss was told: neither is.
            if upsCommsLost.removeValue(forKey: event.ups) != nil { return }
        default:
            break
        }
        ready.append(Self.planned(event))
    }

    package static func planned(_ e: UPSEvent) -> Planned {
        Planned(kind: .ups, devices: [e.ups], at: e.at, reason: e.summary, flips: 0, ups: e)
    }

    /// The flips of `flips` (event id → device) the planner still holds a message about: a down or up waiting for
    /// its group or settle time, or any flip of a member of an incident whose message waits; also a `storage` event
    /// whose message is ready but not handed out, and a service check's flip held or set aside (the same cursor keeps
    /// them all). The log's notification
    /// cursor stays before them, so that a collector killed now tells them after its restart, and moves past them
    /// once told.
    public func holding(_ flips: [UUID: String]) -> Set<UUID> {
        let held = Set(downs.map(\.flip)).union(ups.map(\.flip)).union(storageReady).union(jobsHeld.map(\.flip.id))
            .union(checksHeld.map(\.event)).union(checksSetAside.values.map(\.event))
        let members = Set(incidents.flatMap { $0.incident.deviceNames })
        return Set(flips.filter { held.contains($0.key) || members.contains($0.value) }.keys)
    }

    /// The messages due at `now`; `deviceCount` is the size of the fleet, for grouping, and `sites` each device's
    /// site (devices not named are in the default site, never grouped by site).
    public mutating func due(now: Date, deviceCount: Int, sites: [String: String] = [:]) -> [Planned] {
        let alerts = self.alerts
        return planned(now: now, deviceCount: deviceCount, sites: sites).compactMap { alerts.applied(to: $0, now: now) }
    }

    private mutating func planned(now: Date, deviceCount: Int, sites: [String: String]) -> [Planned] {
        var out = ready
        ready = []
        out += dueChecks(now: now)
        out += dueJobs(now: now)
        storageReady = []
        for held in incidents where held.due <= now {
            let i = held.incident
            told[i.id] = i
            out.append(
                Planned(
                    kind: .incident, devices: i.deviceNames.sorted(), at: i.start, incident: i))
        }
        incidents.removeAll { $0.due <= now }
        // Updates come within days of the message; a month of incidents is more than enough to remember.
        if told.count > 1000 { told = told.filter { $0.value.start >= now - 31 * 86_400 } }
        for (name, held) in upsCommsLost where held.due <= now {
            out.append(Self.planned(held.event))
            upsCommsLost[name] = nil
        }
        let dueDowns = downs.filter { $0.due <= now }
        if !dueDowns.isEmpty {
            // Everything held together goes out together.
            let batch = downs
            downs = []
            out += group(batch, direction: .down, now: now, deviceCount: deviceCount, sites: sites)
            for h in batch {
                devices[h.device] = DeviceState(quietUntil: now + damp, recoveryTold: false, flips: 0)
                downsTold[h.device] = h.at
            }
        }
        let dueUps = ups.filter { $0.due <= now }
        if !dueUps.isEmpty {
            ups.removeAll { $0.due <= now }
            out += group(dueUps, direction: .up, now: now, deviceCount: deviceCount)
        }
        for (name, s) in underVoltage where s.quietUntil <= now {
            if s.again > 0 {
                out.append(Planned(kind: .underVoltage, devices: [name], at: now, flips: s.again))
            }
            underVoltage[name] = nil
        }
        for (name, s) in devices {
            guard let until = s.quietUntil, until <= now else { continue }
            if s.flips > 0 {
                out.append(Planned(kind: .flapping, devices: [name], at: now, flips: s.flips))
            }
            devices[name] = nil
        }
        return out
    }

    private func group(
        _ held: [Held], direction: Direction, now: Date, deviceCount: Int, sites: [String: String] = [:]
    ) -> [Planned] {
        if held.count >= 4 && held.count * 2 >= deviceCount {
            return [
                Planned(
                    kind: .group, devices: Set(held.map(\.device)).sorted(), at: held.map(\.at).min() ?? now,
                    direction: direction)
            ]
        }
        var out: [Planned] = []
        var alone = held
        // Downs of one named site together: one message for the site (the default site is no place to group by).
        if direction == .down {
            var bySite: [String: [Held]] = [:]
            for h in held { if let site = sites[h.device] { bySite[site, default: []].append(h) } }
            for (site, list) in bySite.sorted(by: { $0.key < $1.key }) where Set(list.map(\.device)).count >= 2 {
                out.append(
                    Planned(
                        kind: .group, devices: Set(list.map(\.device)).sorted(), at: list.map(\.at).min() ?? now,
                        direction: .down, site: site))
                alone.removeAll { sites[$0.device] == site }
            }
        }
        let kind: Notification.Kind = direction == .down ? .down : .up
        return out + alone.map { Planned(kind: kind, devices: [$0.device], at: $0.at, reason: $0.reason, flips: 0) }
    }
}
