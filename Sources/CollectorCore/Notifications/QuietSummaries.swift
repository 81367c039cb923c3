import CollectorRules
import Foundation
import Logging

/// Sends each channel's summary when its quiet hours end (`quiet=`, docs/DESIGN.md "Quiet hours"): only the leader
/// ticks it. The notifier holds the messages due inside the window (`QuietHours.holds`); when is `QuietHours`' pure
/// decision and what is said `QuietSummary`'s, from the stored outages, so a restart loses nothing. The window's end
/// is stored (`QuietLog`) once the summary was handed to the notifier, as digests do: a restart or a new leader sends
/// a summary that fell due while none ran, and none twice.
public actor QuietSummaries {
    let channels: [(spec: NotifierSpec, hours: QuietHours)]
    let notifier: Notifier
    let source: DigestSource
    let store: any Store
    let log: (any QuietLog)?
    let time: LocalTime
    /// The planner's damping: a device's outages closer than this are one line.
    let damp: TimeInterval
    let logger: Logger
    /// The last window end known told (or the baseline) per channel; the store has the last word before acting.
    private var sent: [String: Date] = [:]
    /// Ends told whose record the store did not take yet (tried again every tick: never sent twice meanwhile).
    private var unstored: [String: Date] = [:]

    init(
        specs: [NotifierSpec], notifier: Notifier, source: DigestSource, store: any Store, time: LocalTime,
        damp: TimeInterval, logger: Logger
    ) {
        channels = specs.compactMap { spec in spec.quiet.map { (spec, $0) } }
        self.notifier = notifier
        self.source = source
        self.store = store
        log = store as? any QuietLog
        self.time = time
        self.damp = damp
        self.logger = logger
    }

    nonisolated var isEmpty: Bool { channels.isEmpty }

    /// Sends the summaries due at `now` (the leader, every tick).
    func tick(now: Date) async {
        guard await storeSent() else { return }
        for (spec, hours) in channels {
            // Most ticks: nothing due by memory, no store read.
            if case .wait = hours.decide(lastSent: sent[spec.name], now: now, zone: time.zone) { continue }
            do {
                let stored = try await log?.quietSent(channel: spec.name)
                let known = [sent[spec.name], stored].compactMap { $0 }.max()
                sent[spec.name] = known
                switch hours.decide(lastSent: known, now: now, zone: time.zone) {
                case .wait: continue
                case .baseline(let end): record(spec.name, end)
                case .rewind(let end):
                    // Written at once (not through `unstored`, which only moves ends forward).
                    if try await log?.rewindQuietSent(channel: spec.name, end: end, now: now) ?? true {
                        logger.notice("quiet hours for \(spec.name): the end recorded was ahead of the clock")
                    }
                    sent[spec.name] = end
                    unstored[spec.name] = nil
                case .send(let window):
                    try await send(window, via: spec, now: now)
                    record(spec.name, window.end)
                }
            } catch {
                logger.error("quiet hours' summary for \(spec.name): \(error)")
            }
        }
        await storeSent()
    }

    /// Builds the window's summary from the store and hands it to the notifier (nothing when nothing happened).
    private func send(_ window: DateInterval, via spec: NotifierSpec, now: Date) async throws {
        let facts = try await source.quiet(since: window.start)
        let alerts = try await store.deviceAlerts()
        let summary = QuietSummary.make(
            window: window, now: now, outages: facts.outages, alerts: alerts, reminds: spec.remindEvery != nil,
            damp: damp
        ).with(firstSeen: facts.firstSeen, logRows: facts.rows, ups: facts.ups, alerts: alerts, now: now)
        guard let n = QuietWriter.notification(summary, time: time) else { return }
        await notifier.send(n, via: spec, summary: summary)
        logger.info("quiet hours' summary for \(spec.name) sent (\(summary.lines.count + summary.notes.count) item(s))")
    }

    /// Records the ends told that the store has not taken yet; returns whether it took them all.
    @discardableResult
    private func storeSent() async -> Bool {
        for (channel, end) in unstored.sorted(by: { $0.key < $1.key }) {
            do {
                try await log?.setQuietSent(channel: channel, end: end)
                unstored[channel] = nil
            } catch {
                logger.error("recording the quiet hours told for \(channel) failed: \(error)")
                return false
            }
        }
        return true
    }

    private func record(_ name: String, _ end: Date) {
        sent[name] = end
        unstored[name] = end
    }
}
