#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One entry of a device's log: an event the agent posted, or a record the collector made.
public struct Event: Codable, Sendable, Hashable, Identifiable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case agentStarted = "agent_started"
        case outage
        case collectorUnreachable = "collector_unreachable"
        case clockJump = "clock_jump"
        case shutdown
        case outboxDropped = "outbox_dropped"
        case storage
        // Made by the collector only.
        case flip
        case collectorDown = "collector_down"
        case powerWarning = "power_warning"
        /// A service check's state change.
        case check
        /// A maintenance window the device announced, and its end (`--end`, or its return after a reboot).
        case maintenanceStart = "maintenance_start"
        case maintenanceEnd = "maintenance_end"
        /// A job run's start and end: from the agent's `job` wrapper, or made by the collector from a `/ping/job` call.
        case jobStart = "job_start"
        case jobEnd = "job_end"
        /// A registered job's state change (made by the collector).
        case jobFlip = "job_flip"
        /// A device's outage acknowledged, and by whom (made by the collector: the CLI, a page, a message's link).
        case ack

        /// True for the kinds an agent may post.
        public var isDeviceReported: Bool {
            ![.flip, .collectorDown, .powerWarning, .check, .jobFlip, .ack].contains(self)
        }

        /// True for the kinds that carry the device's boot id. A job's run pinged with curl has none.
        public var needsBootID: Bool { isDeviceReported && self != .jobStart && self != .jobEnd }
    }

    public enum Payload: Sendable, Hashable {
        case agentStarted(agentVersion: String)
        case outage(OutageReport)
        case collectorUnreachable(start: Date, end: Date)
        case clockJump(deltaS: Double)
        case shutdown
        /// The agent's outbox was full and dropped `count` events of these kinds.
        case outboxDropped(count: Int, kinds: [String])
        /// The agent's state folder became unwritable (`state` says why) or, with `ok`, writable again.
        case storage(state: StorageState, path: String)
        case flip(FlipRecord)
        /// The collector itself was not running: nothing is known of any device then.
        case collectorDown(start: Date, end: Date)
        /// A power warning from the device's beats appeared or cleared; `warnings` in words.
        case powerWarning(state: PowerWarningState, warnings: String)
        /// A service check on the device changed state.
        case check(CheckFlipRecord)
        /// The device announced maintenance (`downtime-agent maintenance`).
        case maintenanceStart(MaintenanceAnnouncement)
        /// The device's maintenance open at `at` ends then: told by the device (`--end`), or, with `back`, found by
        /// the collector at the first beat of a new boot (only windows announced `--until-back` end so).
        case maintenanceEnd(back: Bool)
        /// A job run began.
        case jobStart(JobStart)
        /// A job run ended.
        case jobEnd(JobEnd)
        /// A registered job changed state.
        case jobFlip(JobFlipRecord)
        /// The device's outage that began `since` was acknowledged `by` whom.
        case ack(by: String, since: Date)

        public var kind: Kind {
            switch self {
            case .agentStarted: .agentStarted
            case .outage: .outage
            case .collectorUnreachable: .collectorUnreachable
            case .clockJump: .clockJump
            case .shutdown: .shutdown
            case .outboxDropped: .outboxDropped
            case .storage: .storage
            case .flip: .flip
            case .powerWarning: .powerWarning
            case .collectorDown: .collectorDown
            case .check: .check
            case .maintenanceStart: .maintenanceStart
            case .maintenanceEnd: .maintenanceEnd
            case .jobStart: .jobStart
            case .jobEnd: .jobEnd
            case .jobFlip: .jobFlip
            case .ack: .ack
            }
        }
    }

    public var id: UUID
    public var device: String
    /// When it was observed (UTC).
    public var at: Date
    /// The device's boot id; absent on the collector's own records.
    public var bootID: String?
    public var payload: Payload

    public var kind: Kind { payload.kind }

    public init(id: UUID = UUID(), device: String, at: Date, bootID: String?, payload: Payload) {
        self.id = id
        self.device = device
        self.at = at
        self.bootID = bootID
        self.payload = payload
    }

    enum Key: String, CodingKey {
        case id, device, kind, at
        case bootID = "boot_id"
        case agentVersion = "agent_version"
        case cause, start, end
        case durationS = "duration_s"
        case precisionS = "precision_s"
        case clockSynced = "clock_synced"
        case uptimeS = "uptime_s"
        case underVoltageSeen = "under_voltage_seen"
        case throttledSeen = "throttled_seen"
        case deltaS = "delta_s"
        case count, kinds, from, to, reason, state, path, name, detail
        case untilBack = "until_back"
        case rid, signal, output, by
        case exitCode = "exit_code"
        case outputDropped = "output_dropped"
    }

    private static let common: [Key] = [.id, .device, .kind, .at, .bootID]

    private static func fields(of kind: Kind) -> [Key] {
        switch kind {
        case .agentStarted: [.agentVersion]
        case .outage:
            [.cause, .start, .end, .durationS, .precisionS, .clockSynced, .uptimeS, .underVoltageSeen, .throttledSeen]
        case .collectorUnreachable, .collectorDown: [.start, .end]
        case .clockJump: [.deltaS]
        case .shutdown: []
        case .outboxDropped: [.count, .kinds]
        case .storage: [.state, .path]
        case .flip: [.from, .to, .reason]
        case .powerWarning: [.state, .reason]
        case .check: [.name, .from, .to, .detail]
        case .maintenanceStart: [.start, .end, .untilBack, .reason]
        case .maintenanceEnd: [.untilBack]
        case .jobStart: [.name, .rid]
        case .jobEnd: [.name, .rid, .exitCode, .signal, .durationS, .output, .outputDropped, .reason]
        case .jobFlip: [.name, .from, .to, .reason, .rid]
        case .ack: [.by, .start]
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kindText = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind(rawValue: kindText) else {
            throw WireValidationError(
                field: WireCoding.path(decoder.codingPath + [Key.kind]),
                "must be one of " + Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        try decoder.rejectUnknownKeys(Set((Self.common + Self.fields(of: kind)).map(\.rawValue)))
        id = try c.decode(UUID.self, forKey: .id)
        device = try Check.deviceName(c.decode(String.self, forKey: .device))
        at = try c.decode(Date.self, forKey: .at)
        bootID = try c.decodeIfPresent(String.self, forKey: .bootID).map { try Check.bootID($0) }
        if kind.needsBootID, bootID == nil {
            throw DecodingError.keyNotFound(Key.bootID, .init(codingPath: decoder.codingPath, debugDescription: ""))
        }
        payload = try Self.payload(of: kind, from: c, at: decoder.codingPath)
    }

    /// The payload of an event of `kind`, each field checked; an error names the field under `path`.
    private static func payload(
        of kind: Kind, from c: KeyedDecodingContainer<Key>, at path: [any CodingKey]
    ) throws -> Payload {
        func field(_ k: Key) -> String { WireCoding.path(path + [k]) }
        switch kind {
        case .agentStarted:
            return .agentStarted(
                agentVersion: try Check.text(c.decode(String.self, forKey: .agentVersion), field: field(.agentVersion)))
        case .outage:
            return .outage(try outage(from: c, field: field))
        case .collectorUnreachable, .collectorDown:
            return try span(of: kind, from: c, field: field)
        case .clockJump:
            return .clockJump(
                deltaS: try Check.seconds(
                    c.decode(Double.self, forKey: .deltaS),
                    field: field(.deltaS), min: -3_153_600_000))
        case .shutdown:
            return .shutdown
        case .outboxDropped:
            let count = Int(try Check.integer(c, .count, field: field(.count), range: 1...1_000_000_000))
            let kinds = try c.decode([String].self, forKey: .kinds)
            guard kinds.count <= Kind.allCases.count, kinds.allSatisfy({ Kind(rawValue: $0) != nil }) else {
                throw WireValidationError(field: field(.kinds), "must list event kinds")
            }
            return .outboxDropped(count: count, kinds: kinds)
        case .storage:
            return .storage(
                state: try c.decode(StorageState.self, forKey: .state),
                path: try Check.text(c.decode(String.self, forKey: .path), field: field(.path), max: 1024))
        case .powerWarning:
            let words = try Check.text(c.decode(String.self, forKey: .reason), field: field(.reason), max: 200)
            return .powerWarning(state: try c.decode(PowerWarningState.self, forKey: .state), warnings: words)
        case .flip:
            return .flip(
                FlipRecord(
                    from: FlipRecord.status(try Check.text(c.decode(String.self, forKey: .from), field: field(.from))),
                    to: FlipRecord.status(try Check.text(c.decode(String.self, forKey: .to), field: field(.to))),
                    reason: try Check.text(c.decode(String.self, forKey: .reason), field: field(.reason), max: 200)))
        case .check:
            return .check(try checkFlip(from: c, field: field))
        case .maintenanceStart:
            return .maintenanceStart(try maintenance(from: c, field: field))
        case .maintenanceEnd:
            return .maintenanceEnd(back: try c.decodeIfPresent(Bool.self, forKey: .untilBack) ?? false)
        case .jobStart:
            let run = try jobRun(from: c, field: field)
            return .jobStart(JobStart(name: run.name, rid: run.rid))
        case .jobEnd:
            return .jobEnd(try jobEnd(from: c, field: field))
        case .jobFlip:
            return .jobFlip(try jobFlip(from: c, field: field))
        case .ack:
            return .ack(
                by: try Check.text(c.decode(String.self, forKey: .by), field: field(.by), max: 200),
                since: try c.decode(Date.self, forKey: .start))
        }
    }

    /// A check's state change, each field checked.
    private static func checkFlip(
        from c: KeyedDecodingContainer<Key>, field: (Key) -> String
    ) throws -> CheckFlipRecord {
        let detail = try c.decode(String.self, forKey: .detail)
        return CheckFlipRecord(
            name: try Check.deviceName(c.decode(String.self, forKey: .name), field: field(.name)),
            from: try c.decodeIfPresent(CheckState.self, forKey: .from),
            to: try c.decode(CheckState.self, forKey: .to),
            detail: detail.isEmpty
                ? "" : try Check.text(detail, field: field(.detail), max: CheckResult.maxDetail))
    }

    /// A `collector_unreachable` or `collector_down` span: its end not before its start.
    private static func span(
        of kind: Kind, from c: KeyedDecodingContainer<Key>, field: (Key) -> String
    ) throws -> Payload {
        let start = try c.decode(Date.self, forKey: .start)
        let end = try c.decode(Date.self, forKey: .end)
        guard end >= start else { throw WireValidationError(field: field(.end), "must not be before start") }
        return kind == .collectorDown
            ? .collectorDown(start: start, end: end) : .collectorUnreachable(start: start, end: end)
    }

    /// A job's state change, each field checked.
    private static func jobFlip(
        from c: KeyedDecodingContainer<Key>, field: (Key) -> String
    ) throws -> JobFlipRecord {
        let reason = try c.decodeIfPresent(String.self, forKey: .reason) ?? ""
        return JobFlipRecord(
            name: try Check.deviceName(c.decode(String.self, forKey: .name), field: field(.name)),
            from: try c.decode(JobState.self, forKey: .from), to: try c.decode(JobState.self, forKey: .to),
            reason: reason.isEmpty ? "" : try Check.text(reason, field: field(.reason), max: 200),
            rid: try c.decodeIfPresent(String.self, forKey: .rid)
                .map { try Check.text($0, field: field(.rid), max: JobStart.maxRID) })
    }

    /// A job run's name and run id, checked.
    private static func jobRun(
        from c: KeyedDecodingContainer<Key>, field: (Key) -> String
    ) throws -> (name: String, rid: String) {
        (
            try Check.deviceName(c.decode(String.self, forKey: .name), field: field(.name)),
            try Check.text(c.decode(String.self, forKey: .rid), field: field(.rid), max: JobStart.maxRID)
        )
    }

    /// A job run's end, each field checked.
    private static func jobEnd(from c: KeyedDecodingContainer<Key>, field: (Key) -> String) throws -> JobEnd {
        let output = try c.decodeIfPresent(String.self, forKey: .output) ?? ""
        guard output.utf8.count <= JobEnd.maxOutput else {
            throw WireValidationError(field: field(.output), "must be at most \(JobEnd.maxOutput) bytes")
        }
        let reason = try c.decodeIfPresent(String.self, forKey: .reason) ?? ""
        let run = try jobRun(from: c, field: field)
        return JobEnd(
            name: run.name, rid: run.rid,
            exitCode: try c.contains(.exitCode)
                ? Int(Check.integer(c, .exitCode, field: field(.exitCode), range: 0...255)) : nil,
            signal: try c.contains(.signal)
                ? Int(Check.integer(c, .signal, field: field(.signal), range: 1...64)) : nil,
            durationS: try c.decodeIfPresent(Double.self, forKey: .durationS)
                .map { try Check.seconds($0, field: field(.durationS)) },
            output: output,
            outputDropped: c.contains(.outputDropped)
                ? Int(try Check.integer(c, .outputDropped, field: field(.outputDropped))) : 0,
            reason: reason.isEmpty ? "" : try Check.text(reason, field: field(.reason), max: JobEnd.maxReason))
    }

    /// A device's maintenance announcement: an end after the start, at most `MaintenanceAnnouncement.maxLength` on.
    private static func maintenance(
        from c: KeyedDecodingContainer<Key>, field: (Key) -> String
    ) throws -> MaintenanceAnnouncement {
        let start = try c.decode(Date.self, forKey: .start)
        let end = try c.decode(Date.self, forKey: .end)
        guard end > start else { throw WireValidationError(field: field(.end), "must be after start") }
        guard end.timeIntervalSince(start) <= MaintenanceAnnouncement.maxLength else {
            throw WireValidationError(field: field(.end), "must be at most 7 days after start")
        }
        let reason = try c.decodeIfPresent(String.self, forKey: .reason) ?? ""
        return MaintenanceAnnouncement(
            start: start, end: end, untilBack: try c.decodeIfPresent(Bool.self, forKey: .untilBack) ?? false,
            reason: reason.isEmpty
                ? "" : try Check.text(reason, field: field(.reason), max: MaintenanceAnnouncement.maxReason))
    }

    /// An agent's outage report, its fields checked against each other.
    private static func outage(from c: KeyedDecodingContainer<Key>, field: (Key) -> String) throws -> OutageReport {
        let cause = try c.decode(OutageCause.self, forKey: .cause)
        let start = try c.decodeIfPresent(Date.self, forKey: .start)
        let end = try c.decodeIfPresent(Date.self, forKey: .end)
        let duration = try c.decodeIfPresent(Double.self, forKey: .durationS)
            .map { try Check.seconds($0, field: field(.durationS)) }
        let precision = try Check.seconds(
            c.decode(Double.self, forKey: .precisionS), field: field(.precisionS), max: 86_400)
        let synced = try c.decode(Bool.self, forKey: .clockSynced)
        let uptime = try c.decodeIfPresent(Double.self, forKey: .uptimeS)
            .map { try Check.seconds($0, field: field(.uptimeS)) }
        // Only the collector can tell an agent gap (a clean stop and a return in the same boot).
        if cause == .agentGap {
            throw WireValidationError(field: field(.cause), "agent_gap is the collector's own")
        }
        if start == nil, cause != .unknown {
            throw WireValidationError(field: field(.start), "is required unless cause is unknown")
        }
        if end == nil, uptime == nil {
            throw WireValidationError(field: field(.end), "is required unless uptime_s is given")
        }
        if let start, let end, end < start {
            throw WireValidationError(field: field(.end), "must not be before start")
        }
        return OutageReport(
            cause: cause, start: start, end: end, durationS: duration,
            precisionS: precision, clockSynced: synced, uptimeS: uptime,
            underVoltageSeen: try c.decodeIfPresent(Date.self, forKey: .underVoltageSeen),
            throttledSeen: try c.decodeIfPresent(Date.self, forKey: .throttledSeen))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(id.wireString, forKey: .id)
        try c.encode(device, forKey: .device)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encode(at, forKey: .at)
        try c.encodeIfPresent(bootID, forKey: .bootID)
        switch payload {
        case .agentStarted(let v):
            try c.encode(v, forKey: .agentVersion)
        case .outage(let o):
            try encode(o, into: &c)
        case .collectorUnreachable(let start, let end), .collectorDown(let start, let end):
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
        case .clockJump(let d):
            try c.encode(d, forKey: .deltaS)
        case .shutdown:
            break
        case .outboxDropped(let count, let kinds):
            try c.encode(count, forKey: .count)
            try c.encode(kinds, forKey: .kinds)
        case .storage(let state, let path):
            try c.encode(state, forKey: .state)
            try c.encode(path, forKey: .path)
        case .powerWarning(let state, let warnings):
            try c.encode(state, forKey: .state)
            try c.encode(warnings, forKey: .reason)
        case .flip(let f):
            try c.encode(f.from.rawValue, forKey: .from)
            try c.encode(f.to.rawValue, forKey: .to)
            try c.encode(f.reason, forKey: .reason)
        case .check(let f):
            try c.encode(f.name, forKey: .name)
            try c.encodeIfPresent(f.from, forKey: .from)
            try c.encode(f.to, forKey: .to)
            try c.encode(f.detail, forKey: .detail)
        case .maintenanceStart(let m):
            try c.encode(m.start, forKey: .start)
            try c.encode(m.end, forKey: .end)
            if m.untilBack { try c.encode(true, forKey: .untilBack) }
            if !m.reason.isEmpty { try c.encode(m.reason, forKey: .reason) }
        case .maintenanceEnd(let back):
            if back { try c.encode(true, forKey: .untilBack) }
        case .jobStart(let j):
            try c.encode(j.name, forKey: .name)
            try c.encode(j.rid, forKey: .rid)
        case .jobEnd(let j):
            try encode(j, into: &c)
        case .jobFlip(let f):
            try encode(f, into: &c)
        case .ack(let by, let since):
            try c.encode(by, forKey: .by)
            try c.encode(since, forKey: .start)
        }
    }

    private func encode(_ o: OutageReport, into c: inout KeyedEncodingContainer<Key>) throws {
        try c.encode(o.cause, forKey: .cause)
        try c.encodeIfPresent(o.start, forKey: .start)
        try c.encodeIfPresent(o.end, forKey: .end)
        try c.encodeIfPresent(o.durationS, forKey: .durationS)
        try c.encode(o.precisionS, forKey: .precisionS)
        try c.encode(o.clockSynced, forKey: .clockSynced)
        try c.encodeIfPresent(o.uptimeS, forKey: .uptimeS)
        try c.encodeIfPresent(o.underVoltageSeen, forKey: .underVoltageSeen)
        try c.encodeIfPresent(o.throttledSeen, forKey: .throttledSeen)
    }

    private func encode(_ f: JobFlipRecord, into c: inout KeyedEncodingContainer<Key>) throws {
        try c.encode(f.name, forKey: .name)
        try c.encode(f.from, forKey: .from)
        try c.encode(f.to, forKey: .to)
        if !f.reason.isEmpty { try c.encode(f.reason, forKey: .reason) }
        try c.encodeIfPresent(f.rid, forKey: .rid)
    }

    private func encode(_ j: JobEnd, into c: inout KeyedEncodingContainer<Key>) throws {
        try c.encode(j.name, forKey: .name)
        try c.encode(j.rid, forKey: .rid)
        try c.encodeIfPresent(j.exitCode, forKey: .exitCode)
        try c.encodeIfPresent(j.signal, forKey: .signal)
        try c.encodeIfPresent(j.durationS, forKey: .durationS)
        if !j.output.isEmpty { try c.encode(j.output, forKey: .output) }
        if j.outputDropped > 0 { try c.encode(j.outputDropped, forKey: .outputDropped) }
        if !j.reason.isEmpty { try c.encode(j.reason, forKey: .reason) }
    }
}

extension UUID {
    /// The UUID as written on the wire, in logs and on pages: lower case (RFC 9562, section 4).
    /// Reading accepts either case (`UUID(uuidString:)`), so an upper-case id is the same event.
    public var wireString: String { uuidString.lowercased() }
}
