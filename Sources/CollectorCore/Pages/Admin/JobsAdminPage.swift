import CollectorRules
import Foundation

/// The admin's page of jobs: each with its device and schedule; add one (its key shown once), remove one.
enum JobsAdminPage {
    static func page(_ jobs: [JobRecord], devices: [String], session: AdminPage.LoggedIn, notice: String?) -> String {
        AdminPage.document("Jobs: DowntimeMon admin", session: session) { w in
            if let notice { w.element(.p, [(.class, "cnote")], text: notice) }
            w.element(
                .p, [(.class, "mute")],
                text: "A job is a scheduled task on a device (a backup, a certificate renewal). It reports its runs "
                    + "with downtime-agent job NAME -- COMMAND, or with curl to /ping/job/KEY; it is late when it does "
                    + "not start by its due time plus grace.")
            w.element(.h2, text: "Add a job")
            if devices.isEmpty {
                w.element(.p, [(.class, "empty")], text: "Add a device first: a job runs on a device.")
            } else {
                addForm(&w, devices: devices, csrf: session.csrf)
            }
            w.element(.h2, text: "Jobs (\(jobs.count))")
            if jobs.isEmpty { w.element(.p, [(.class, "empty")], text: "None yet.") }
            for job in jobs { row(&w, job, csrf: session.csrf) }
        }
    }

    private static func addForm(_ w: inout HTMLWriter, devices: [String], csrf: String) {
        AdminPage.form(&w, "/admin/jobs", csrf: csrf, button: "add job") { w in
            AdminPage.input(&w, "Name", name: "name", placeholder: "backup")
            w.element(.label) { w in
                w.text("Device ")
                w.element(.select, [(.name, "device")]) { w in
                    for d in devices { w.element(.option, [(.value, d)], text: d) }
                }
            }
            AdminPage.input(&w, "Every (--every)", name: "every", placeholder: "1d")
            AdminPage.input(&w, "or cron (--cron)", name: "cron", placeholder: "0 3 * * *")
            AdminPage.input(&w, "Grace (--grace)", name: "grace", placeholder: "1h")
            AdminPage.input(&w, "Max runtime (--max-runtime)", name: "max_runtime", placeholder: "2h")
        }
    }

    private static func row(_ w: inout HTMLWriter, _ job: JobRecord, csrf: String) {
        w.element(.section, [(.dataName, job.name)]) { w in
            w.element(.h2) { w in
                w.element(.a, [(.href, "/jobs/\(job.name)")], text: job.name)
                w.text(" ")
                w.element(.span, [(.class, "mute")], text: "on \(job.device)")
            }
            let max = job.spec.maxRuntime.map { "max runtime " + Durations.text($0) } ?? "no max runtime"
            w.element(.p, text: "\(job.spec.schedule.text) · grace \(Durations.text(job.spec.grace)) · \(max)")
            AdminPage.form(&w, "/admin/jobs/\(job.name)/remove", csrf: csrf, button: "remove \(job.name)", danger: true)
            { _ in }
        }
    }

    /// The answer to an add: the job's key, shown only now, and the curl lines that use it.
    static func key(_ job: JobRecord, key: String, collectorURL: String?, session: AdminPage.LoggedIn) -> String {
        AdminPage.document("\(job.name): job key", session: session) { w in
            w.element(.h2, text: "Added job \(job.name) on \(job.device)")
            w.element(
                .p, [(.class, "cnote")], text: "The key is shown only now: the collector keeps just its hash.")
            w.element(.pre) { $0.element(.code, text: key) }
            let base = (collectorURL ?? "http://COLLECTOR:8899") + "/ping/job/" + key
            w.element(.h2, text: "Without the agent: curl")
            w.element(.pre) { w in
                w.element(
                    .code,
                    text: "curl -fsS \(base)/start\nCOMMAND > /tmp/out 2>&1; curl -fsS --data-binary @/tmp/out "
                        + "\(base)/$?")
            }
            w.element(.h2, text: "With downtime-agent on \(job.device)")
            w.element(.pre) { $0.element(.code, text: "downtime-agent job \(job.name) -- COMMAND ARGS") }
            w.element(.p) { $0.element(.a, [(.href, "/admin/jobs")], text: "all jobs") }
        }
    }
}
