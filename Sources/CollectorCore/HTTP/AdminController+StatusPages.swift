import CollectorRules
import Hummingbird

/// The status pages' admin page: admins only.
extension AdminController {
    func addStatusPageRoutes(_ router: Router<Context>) {
        get("/admin/status-pages", router, .adminChange) { _, session in
            try await statusPagesPage(session, notice: nil)
        }
        post("/admin/status-pages", router) { _, session, form, caller in
            // Both password fields empty: a page without a password.
            let typed = !(form["password"] ?? "").isEmpty || !(form["again"] ?? "").isEmpty
            let password = typed ? try Self.newPassword(form) : nil
            let page = try await collector.statusPages.add(
                form["name"] ?? "", title: form["title"] ?? "", select: form["select"] ?? "", password: password)
            logAction(caller, "added status page \(page.name) (\(page.selector.text))")
            return try await statusPagesPage(session, notice: "Added /status/\(page.name).")
        }
        router.post("/admin/status-pages/{name}/remove") { request, context in
            try await checked(request, context, .adminChange) { session, _, caller in
                let name = try await collector.statusPages.remove(context.parameters.get("name") ?? "")
                logAction(caller, "removed status page \(name)")
                return try await statusPagesPage(session, notice: "Removed /status/\(name).")
            }
        }
    }

    private func statusPagesPage(_ session: Session, notice: String?) async throws -> Response {
        Self.page(
            StatusPagesPage.page(
                try await collector.statusPages.list(), session: AdminPage.LoggedIn(session), notice: notice))
    }
}
