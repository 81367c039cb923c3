import CollectorRules
import Foundation

/// The admin's page of users: who may log in, with their role; add one, set a password, remove one.
enum UsersPage {
    static func page(_ users: [UserRecord], builtIn: Bool, session: AdminPage.LoggedIn, notice: String?) -> String {
        AdminPage.document("Users: DowntimeMon admin", session: session) { w in
            if let notice { w.element(.p, [(.class, "cnote")], text: notice) }
            w.element(.h2, text: "Add a user")
            AdminPage.form(&w, "/admin/users", csrf: session.csrf, button: "add user") { w in
                AdminPage.input(&w, "Name", name: "name", placeholder: "alice")
                w.element(.label) { w in
                    w.text("Role ")
                    w.element(.select, [(.name, "role")]) { w in
                        for role in [Role.viewer, .admin] {
                            w.element(.option, [(.value, role.rawValue)], text: role.rawValue)
                        }
                    }
                }
                passwords(&w)
            }
            w.element(.h2, text: "Users (\(users.count + (builtIn ? 1 : 0)))")
            if builtIn {
                w.element(
                    .p, [(.class, "mute")],
                    text: "admin: the built-in admin (DOWNTIME_ADMIN_PASSWORD_HASH in the configuration).")
            }
            for user in users { row(&w, user, csrf: session.csrf) }
        }
    }

    private static func row(_ w: inout HTMLWriter, _ user: UserRecord, csrf: String) {
        w.element(.section, [(.dataName, user.name)]) { w in
            w.element(.h2) { w in
                w.text(user.name + " ")
                w.element(.span, [(.class, "mute")], text: user.role.rawValue)
            }
            AdminPage.form(&w, "/admin/users/\(user.name)/password", csrf: csrf, button: "set password") { w in
                passwords(&w)
            }
            AdminPage.form(
                &w, "/admin/users/\(user.name)/remove", csrf: csrf, button: "remove \(user.name)", danger: true
            ) { _ in }
        }
    }

    /// A new password, twice.
    private static func passwords(_ w: inout HTMLWriter) {
        AdminPage.input(&w, "Password", name: "password", type: "password")
        AdminPage.input(&w, "Again", name: "again", type: "password")
    }
}
