import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The running agent: gap detection at start, then the tick that drives its parts (the state folder, the
/// collector link, reachability, the event shipper, the power watch), and the clean shutdown.
/// Single-threaded; the shell calls `start`, then `run` (or `tick` in tests).
public final class Agent {
    public let config: AgentConfig
    let facts: any BootFacts
    let log: Log
    public let folder: StateFolder
    public let link: CollectorLink
    public let reachability: Reachability
    public let shipper: EventShipper
    /// The service checks, on threads of their own; nil when none is configured.
    public let checks: CheckScheduler?
    public private(set) var power: PowerWatch
    public private(set) var policy: GapPolicy
    /// What the collector was last given of the checks.
    public private(set) var checkReport = CheckReport()
    public private(set) var bootID = ""
    private var previous: BootSnapshot?
    private var warnedClock = false

    static let shutdownTimeout = 2.0

    /// A state folder that cannot be created, written or read does not stop the agent: it runs from
    /// memory and says so (`folder.storage`); only a missing token is a configuration error.
    public init(
        config: AgentConfig, facts: any BootFacts, transport: any Transport, log: Log,
        random: @escaping () -> Double = { Double.random(in: 0..<1) },
        fs: any FileSystem = PosixFileSystem()
    ) throws(ConfigError) {
        self.config = config
        self.facts = facts
        self.log = log
        policy = GapPolicy(interval: Double(config.interval), persistInterval: Double(config.persistInterval))
        power = PowerWatch(sensor: HealthSensor(root: config.sysfsRoot))
        folder = StateFolder(
            path: config.stateDir, device: config.device, retryInterval: Double(config.persistInterval),
            limits: config.outboxLimits, log: log, fs: fs)
        link = try CollectorLink(
            token: config.token, enrollmentKey: config.enrollmentKey, transport: transport, folder: folder, log: log,
            random: random)
        reachability = Reachability(folder: folder, log: log)
        checks =
            config.checks.isEmpty
            ? nil : CheckScheduler(specs: config.checks, probe: SystemProbe(sysfsRoot: config.sysfsRoot), log: log)
        shipper = EventShipper(
            folder: folder, link: link, reachability: reachability, facts: facts, log: log, random: random)
        // A request that hangs (a collector holding it, a network that drops packets) must not hold back the
        // state write: a power cut meanwhile would be dated from a last-alive time older than its precision.
        transport.whileWaiting = { [unowned self] in self.persistWhileWaiting() }
    }

    public var outbox: Outbox { folder.outbox }

    /// The state write, when due, from inside a request that is still waiting for its answer.
    private func persistWhileWaiting() {
        guard folder.persistDue(policy, monotonic: facts.monotonic()) else { return }
        persist(facts.snapshot(bootID: bootID))
    }

    // MARK: - Start

    /// Gap detection against the previous state, then a fresh state on disk.
    @discardableResult
    public func start() throws(ConfigError) -> StartDecision {
        do {
            bootID = try facts.bootID()
        } catch {
            throw ConfigError("boot id: \(error)")
        }
        let now = facts.snapshot(bootID: bootID)
        folder.reportOpenFailure(now)
        let decision = detectGap(now)
        log.info(
            "started: device \(config.device), collector \(config.collectorURL), interval \(config.interval) s, "
                + "\(outbox.count) event(s) waiting in the outbox")
        enqueue(.agentStarted(agentVersion: AgentCoreVersion.version), at: now)
        if let outage = decision.outage { enqueue(.outage(outage), at: now, id: decision.outageID ?? UUID()) }
        persist(now)
        previous = now
        checks?.start()
        return decision
    }

    /// The saved state against `now`, with the power warnings of this boot (a restart) or of the boot that
    /// ended (the outage's evidence).
    private func detectGap(_ now: BootSnapshot) -> StartDecision {
        let loaded = folder.stateFile.load()
        var decision = GapDetector.onStart(previous: loaded, facts: now, policy: policy)
        if case .loaded(let old) = loaded {
            if old.bootID == bootID {
                power.resume(from: old)
            } else if let outage = decision.outage {
                let o = PowerWatch.withEvidence(outage, from: old)
                decision.outage = o
                if let words = o.powerEvidence { log.notice("before that outage: \(words)") }
            }
        }
        switch decision.finding {
        case .firstRun, .agentRestarted: log.info(decision.message)
        case .unreadableState: log.warning(decision.message)
        case .agentStopped, .rebooted: log.notice(decision.message)
        }
        return decision
    }

    // MARK: - Loop

    /// Ticks every interval until `wait` reports a stop request, then shuts down cleanly.
    /// `wait(seconds)` sleeps up to `seconds` and returns true when the agent must stop.
    public func run(wait: (Double) -> Bool) {
        var next = facts.monotonic()
        while true {
            tick()
            next += policy.interval
            let mono = facts.monotonic()
            // Behind schedule (a slow collector, a suspend): start again from now, do not burst.
            if next < mono { next = mono + policy.interval }
            if wait(next - mono) { break }
        }
        shutdown()
    }

    /// One round: running checks, state, heartbeat, outbox.
    public func tick() {
        let now = facts.snapshot(bootID: bootID)
        checkSincePrevious(now)
        let newWarning = power.read(at: now.now)
        checkWallClock(now)
        if folder.storage.retryDue(monotonic: now.monotonic) {
            retryDisk(now)
        } else if newWarning || folder.persistDue(policy, monotonic: now.monotonic) {
            // A new warning is written at once: the power may be about to go.
            persist(now)
        }
        if link.token == nil { link.enroll(now) }
        guard link.token != nil else { return }
        heartbeat(now)
        adoptDropped(now)
        if !outbox.isEmpty, shipper.backoff.ready(at: now.monotonic) { shipper.flush(now, timeout: nil) }
    }

    /// Takes the events `downtime-agent maintenance` left for it, while the state folder can be written (a file moves
    /// only once it is in the outbox on disk).
    private func adoptDropped(_ now: BootSnapshot) {
        guard folder.isHealthy else { return }
        do { try OutboxDrop(stateDir: config.stateDir, fs: folder.fs).adopt(into: outbox) } catch {
            folder.failed(error, now)
        }
    }

    /// A suspend or a clock jump since the previous tick.
    private func checkSincePrevious(_ now: BootSnapshot) {
        if let previous {
            for finding in GapDetector.whileRunning(previous: previous, current: now, policy: policy) {
                describe(finding)
                enqueue(finding, at: now)
            }
        }
        previous = now
    }

    /// A wall clock the collector would refuse holds the events back: said once, until it is plausible again.
    private func checkWallClock(_ now: BootSnapshot) {
        let plausible = WireTime.validRange.contains(now.now)
        if !plausible, !warnedClock {
            log.warning("wall clock says \(WireTime.format(now.now)): holding events until it is plausible")
        }
        warnedClock = !plausible
    }

    /// This tick's heartbeat; its answer tells whether the collector is reachable.
    func heartbeat(_ now: BootSnapshot) {
        let snapshot = checks?.snapshot()
        let digest = snapshot.map {
            checkReport.digest(
                $0.statuses, generation: $0.generation, monotonic: now.monotonic,
                persistInterval: policy.persistInterval)
        }
        switch link.heartbeat(now, interval: policy.interval, health: power.reading, checks: digest) {
        case .notSent, .refused:
            break
        case .unanswered(let why):
            reachability.lost(now, why)
        case .accepted(let asked):
            if let digest, let snapshot {
                checkReport.accepted(digest, generation: snapshot.generation, monotonic: now.monotonic)
            }
            // The collector is back: send what waited without waiting for the backoff.
            if reachability.regained(now) { shipper.collectorReturned() }
            if let asked {
                log.notice("collector asks for a heartbeat every \(asked) s (was \(Int(policy.interval)) s)")
                policy.interval = Double(asked)
            }
        }
    }

    /// SIGTERM: mark the stop as clean, then tell the collector within a short timeout.
    public func shutdown() {
        // The clean-stop mark below must be the last state written: no more writes from a waiting request.
        link.transport.whileWaiting = nil
        checks?.stop()
        let now = facts.snapshot(bootID: bootID)
        // One last try: what memory holds is lost once the process ends.
        if !folder.isHealthy { retryDisk(now) }
        var state = currentState(now)
        state.cleanShutdownAt = now.now
        do {
            try folder.writeState(state)
        } catch {
            log.error("could not write the clean-shutdown mark: \(error)")
        }
        enqueue(.shutdown, at: now)
        if link.token != nil { shipper.flush(now, timeout: Self.shutdownTimeout) }
        if outbox.unsavedCount > 0 {
            log.error(
                "stopped: \(outbox.unsavedCount) event(s) held in memory are lost (the state folder "
                    + "\(config.stateDir) could not take them)")
        } else {
            log.info(
                "stopped" + (outbox.isEmpty ? "" : ", \(outbox.count) event(s) kept in the outbox for the next start"))
        }
    }

    // MARK: - Pieces

    private func describe(_ payload: Event.Payload) {
        switch payload {
        case .outage(let o):
            log.notice("device was suspended for \(GapDetector.seconds(o.durationS ?? 0))")
        case .clockJump(let delta):
            log.notice("wall clock jumped by \(delta) s")
        default:
            break
        }
    }

    /// Puts an event in the outbox: on disk, or in memory while the state folder fails.
    func enqueue(_ payload: Event.Payload, at now: BootSnapshot, id: UUID = UUID()) {
        folder.enqueue(payload, at: now, id: id)
    }

    func persist(_ now: BootSnapshot) {
        folder.persist(currentState(now), at: now)
    }

    private func currentState(_ now: BootSnapshot) -> AgentState {
        power.stamped(
            AgentState(bootID: bootID, lastAlive: now.now, lastAliveUptime: now.uptime, clockSynced: now.clockSynced))
    }

    /// The periodic try of a failing folder: state file, held events, then the token and the unreachable mark.
    private func retryDisk(_ now: BootSnapshot) {
        folder.retry(currentState(now), at: now) { () throws(FileError) in
            try link.saveToken()
            try reachability.saveMark()
        }
    }
}
