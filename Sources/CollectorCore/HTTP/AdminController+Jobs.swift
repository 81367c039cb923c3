import CollectorRules
import Hummingbird

/// The jobs' admin page: admins only. Adding and removing go through `JobAdmin`, as `job add|remove` do; the key is
/// shown once, on the page that answers the add.
extension AdminController {
    var jobAdmin: JobAdmin {
        JobAdmin(store: collector.admin.store, zone: collector.config.localTime.zone, clock: collector.clock.wall)
    }

    func addJobRoutes(_ router: Router<Context>) {
        get("/admin/jobs", router, .adminChange) { _, session in
            try await jobsPage(session)
        }
        post("/admin/jobs", router) { request, session, form, caller in
            // An empty field is one not given (`--cron` or `--every`, the default grace, no max runtime).
            func field(_ key: String) -> String? {
                let text = (form[key] ?? "").trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            let added = try await jobAdmin.add(
                JobAdmin.Request(
                    name: form["name"] ?? "", device: form["device"] ?? "", every: field("every"), cron: field("cron"),
                    grace: field("grace"), maxRuntime: field("max_runtime")))
            logAction(caller, "added job \(added.record.name) on \(added.record.device)")
            let url = AdminRequest.collectorURL(host: request.head.authority, tls: tls)
            return Self.page(
                JobsAdminPage.key(
                    added.record, key: added.key, collectorURL: url, session: AdminPage.LoggedIn(session)))
        }
        router.post("/admin/jobs/{name}/remove") { request, context in
            try await checked(request, context, .adminChange) { session, _, caller in
                let name = try await jobAdmin.remove(context.parameters.get("name") ?? "")
                logAction(caller, "removed job \(name)")
                return try await jobsPage(session, notice: "Removed job \(name); its runs stay in its device's log.")
            }
        }
    }

    private func jobsPage(_ session: Session, notice: String? = nil) async throws -> Response {
        let devices = try await admin.devices().map(\.name)
        return Self.page(
            JobsAdminPage.page(
                try await jobAdmin.list(), devices: devices, session: AdminPage.LoggedIn(session), notice: notice))
    }
}
