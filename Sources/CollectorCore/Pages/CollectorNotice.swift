import CollectorRules
import Foundation

/// The overview's notes about the collector itself: a failing store, an unsynchronised clock, the
/// newest step of its clock. Nothing when all is well.
enum CollectorNotice {
    static func render(_ w: inout HTMLWriter, _ s: CollectorHealth.Snapshot, now: Date) {
        var notes: [(cls: String, write: (inout HTMLWriter) -> Void)] = []
        if let fault = s.storeFault {
            notes.append(
                (
                    "cnote bad",
                    { w in
                        w.element(.strong, text: "Collector store failing (\(fault.label))")
                        if let since = s.storeFailingSince {
                            w.text(" since ")
                            PageParts.time(&w, since)
                        }
                        let free = s.freeBytes.map { "; \($0) bytes free in the data folder" } ?? ""
                        w.text(": \(s.storeError ?? "")\(free). ")
                        w.text("Agents keep their events and retry; nothing acknowledged is lost.")
                    }
                ))
        }
        if !s.clockSynced {
            notes.append(
                (
                    "cnote",
                    { w in
                        w.element(.strong, text: "Collector clock not synchronised")
                        if let since = s.unsyncedSince {
                            w.text(" (since ")
                            PageParts.time(&w, since)
                            w.text(", by its own clock)")
                        }
                        w.text(": liveness is judged anyway; times recorded now are marked uncertain.")
                    }
                ))
        }
        if let jump = s.lastJump {
            notes.append(
                (
                    "cnote",
                    { w in
                        w.element(
                            .strong, text: "Collector clock stepped by \(Durations.signedSeconds(jump.seconds)) s")
                        w.text(" at ")
                        PageParts.time(&w, jump.at)
                        w.text(" (\(s.clockJumps) step\(s.clockJumps == 1 ? "" : "s") in this run): not an outage; ")
                        w.text("deadlines run on the monotonic clock.")
                    }
                ))
        }
        for note in notes {
            w.element(.p, [(.class, note.cls), (.role, "status")]) { note.write(&$0) }
        }
    }
}
