import CollectorRules
import Hummingbird

/// The users page: admins only. A user's sessions end when the password is set or the user removed.
extension AdminController {
    func addUserRoutes(_ router: Router<Context>) {
        get("/admin/users", router, .adminChange) { _, session in
            try await usersPage(session, notice: nil)
        }
        post("/admin/users", router) { _, session, form, caller in
            let password = try Self.newPassword(form)
            let role = Role(rawValue: form["role"] ?? "") ?? .viewer
            let user = try await users.add(form["name"] ?? "", role: role, password: password)
            logAction(caller, "added user \(user.name) (\(user.role.rawValue))")
            return try await usersPage(session, notice: "Added \(user.name).")
        }
        postUser("/admin/users/{name}/password", router) { session, form, caller, name in
            try await users.setPassword(name, password: try Self.newPassword(form))
            logAction(caller, "new password for user \(name)")
            return try await usersPage(session, notice: "New password for \(name); its sessions ended.")
        }
        postUser("/admin/users/{name}/remove", router) { session, _, caller, name in
            try await users.remove(name)
            logAction(caller, "removed user \(name)")
            return try await usersPage(session, notice: "Removed \(name).")
        }
    }

    private func usersPage(_ session: Session, notice: String?) async throws -> Response {
        Self.page(
            UsersPage.page(
                try await users.list(), builtIn: users.hasBuiltInAdmin, session: AdminPage.LoggedIn(session),
                notice: notice))
    }

    /// A change to the user named in the path.
    private func postUser(
        _ path: RouterPath, _ router: Router<Context>,
        _ body: @escaping @Sendable (Session, [String: String], Caller, String) async throws -> Response
    ) {
        router.post(path) { request, context in
            try await checked(request, context, .adminChange) { session, form, caller in
                try await body(session, form, caller, try Users.name(context.parameters.get("name") ?? ""))
            }
        }
    }

    /// The new password of a form, typed twice.
    static func newPassword(_ form: [String: String]) throws -> String {
        try Users.newPassword(form["password"], form["again"])
    }
}
