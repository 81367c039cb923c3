import CollectorRules
import Foundation

/// The admin's page of public status pages: each with what it shows and its link; add one, remove one.
enum StatusPagesPage {
    static func page(_ pages: [StatusPageRecord], session: AdminPage.LoggedIn, notice: String?) -> String {
        AdminPage.document("Status pages: DowntimeMon admin", session: session) { w in
            if let notice { w.element(.p, [(.class, "cnote")], text: notice) }
            w.element(
                .p, [(.class, "mute")],
                text: "A status page is public: anyone with its link (and its password, when it has one) sees the "
                    + "chosen devices under their display names (device display NAME \"...\"), their state, 90 "
                    + "daily bars and incidents; never a device's real name, address, tags, site or log.")
            w.element(.h2, text: "Add a status page")
            AdminPage.form(&w, "/admin/status-pages", csrf: session.csrf, button: "add status page") { w in
                AdminPage.input(&w, "Name", name: "name", placeholder: "home")
                AdminPage.input(&w, "Title", name: "title", placeholder: "Home")
                AdminPage.input(&w, "Devices", name: "select", placeholder: "site:home, tag:public or device:a,b")
                AdminPage.input(&w, "Password (optional)", name: "password", type: "password")
                AdminPage.input(&w, "Again", name: "again", type: "password")
            }
            w.element(.h2, text: "Status pages (\(pages.count))")
            if pages.isEmpty { w.element(.p, [(.class, "empty")], text: "None yet: /status/ pages are off.") }
            for page in pages { row(&w, page, csrf: session.csrf) }
        }
    }

    private static func row(_ w: inout HTMLWriter, _ page: StatusPageRecord, csrf: String) {
        w.element(.section, [(.dataName, page.name)]) { w in
            w.element(.h2) { w in
                w.element(.a, [(.href, "/status/\(page.name)")], text: "/status/\(page.name)")
                w.text(" ")
                w.element(.span, [(.class, "mute")], text: page.passwordHash == nil ? "public" : "password")
            }
            w.element(.p, text: "\(page.title) · \(page.selector.text)")
            AdminPage.form(
                &w, "/admin/status-pages/\(page.name)/remove", csrf: csrf, button: "remove \(page.name)", danger: true
            ) { _ in }
        }
    }
}
