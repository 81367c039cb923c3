import CollectorRules
import DowntimeProtocol
import Foundation

/// The admin's pages: server-rendered forms that work without JavaScript, in the overview's look. Every form
/// carries its session's CSRF token; the password hash is never an input of any of them.
enum AdminPage {
    /// Who is looking: their forms carry the session's CSRF token, and a viewer gets no form that changes anything.
    struct LoggedIn: Sendable {
        var user: String
        var csrf: String
        var canChange: Bool

        init(user: String, csrf: String, canChange: Bool) {
            (self.user, self.csrf, self.canChange) = (user, csrf, canChange)
        }

        init(_ session: AdminSessions.Session) {
            self.init(
                user: session.account.name, csrf: session.csrf,
                canChange: AccessRule.decide(.adminChange, .account(session.account), readGuarded: true) == .allow)
        }
    }

    /// Extra rules on top of the overview's CSS (phone width: forms wrap, code scrolls).
    static let css: StaticString = """
        form.inline{display:inline-flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:.2rem .6rem .2rem 0}
        input[type=text],input[type=password],input[type=number]{padding:.35rem .5rem;font:inherit;max-width:100%;\
        border:1px solid var(--line);border-radius:.4rem;background:var(--card);color:inherit}
        input[type=submit]{padding:.35rem .8rem;font:inherit;border:1px solid var(--line);border-radius:.4rem;\
        background:var(--card);color:inherit;cursor:pointer}input.danger{color:var(--down);border-color:var(--down)}
        pre{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.6rem;overflow-x:auto;\
        white-space:pre;font-size:.85em}
        .err{border-left:4px solid var(--down);padding:.4rem .8rem;background:var(--card)}
        """

    static func document(_ title: String, session: LoggedIn?, _ body: (inout HTMLWriter) -> Void) -> String {
        var w = HTMLWriter(capacity: 8192)
        w.raw("<!DOCTYPE html>")
        w.element(.html, [(.lang, "en")]) { w in
            w.element(.head) { w in
                PageParts.head(&w, title: title)
                w.element(.meta, [(.name, "referrer"), (.content, "same-origin")])
                w.element(.style) { w in
                    w.raw(PageAssets.css)
                    w.raw(css)
                }
            }
            w.element(.body) { w in
                w.element(.header) { w in
                    w.element(.h1) { w in
                        w.element(.a, [(.href, "/admin")], text: "DowntimeMon admin")
                    }
                    w.element(.nav) { w in
                        w.element(.a, [(.href, "/")], text: "overview")
                        if let session { nav(&w, session) }
                    }
                }
                w.element(.main) { body(&$0) }
            }
        }
        return w.html
    }

    /// The logged-in part of the header: users, status pages and jobs (for admins), who is logged in, log out.
    private static func nav(_ w: inout HTMLWriter, _ session: LoggedIn) {
        if session.canChange {
            w.text(" ")
            w.element(.a, [(.href, "/admin/users")], text: "users")
            w.text(" ")
            w.element(.a, [(.href, "/admin/status-pages")], text: "status pages")
            w.text(" ")
            w.element(.a, [(.href, "/admin/jobs")], text: "jobs")
        }
        w.text(" ")
        w.element(.span, [(.class, "mute")], text: session.user + (session.canChange ? "" : " (viewer)"))
        w.text(" ")
        form(&w, "/admin/logout", csrf: session.csrf, button: "log out") { _ in }
    }

    /// A POST form with the session's CSRF token and one submit button.
    static func form(
        _ w: inout HTMLWriter, _ action: String, csrf: String, button: String, danger: Bool = false,
        _ fields: (inout HTMLWriter) -> Void
    ) {
        w.element(.form, [(.class, "inline"), (.method, "post"), (.action, action)]) { w in
            w.element(.input, [(.type, "hidden"), (.name, "csrf"), (.value, csrf)])
            fields(&w)
            var submit: [(HTMLWriter.Attr, String)] = [(.type, "submit"), (.value, button)]
            if danger { submit.append((.class, "danger")) }
            w.element(.input, submit)
        }
    }

    static func input(
        _ w: inout HTMLWriter, _ label: String, name: String, type: String = "text", value: String = "",
        placeholder: String = ""
    ) {
        w.element(.label) { w in
            w.text(label + " ")
            w.element(.input, [(.type, type), (.name, name), (.value, value), (.placeholder, placeholder)])
        }
    }

    static func login(error: String?) -> String {
        document("DowntimeMon admin: log in", session: nil) { w in
            w.element(.h2, text: "Log in")
            if let error { w.element(.p, [(.class, "err")], text: error) }
            w.element(.form, [(.method, "post"), (.action, "/admin/login")]) { w in
                w.element(.label) { w in
                    w.text("User (empty: the built-in admin) ")
                    w.element(.input, [(.type, "text"), (.name, "user"), (.autocomplete, "username")])
                }
                w.text(" ")
                w.element(.label) { w in
                    w.text("Password ")
                    w.element(.input, [(.type, "password"), (.name, "password"), (.autocomplete, "current-password")])
                }
                w.text(" ")
                w.element(.input, [(.type, "submit"), (.value, "log in")])
            }
        }
    }

    /// Every device with its status, and the form that adds one.
    static func devices(_ records: [DeviceRecord], views: [String: DeviceView], session: LoggedIn) -> String {
        document("DowntimeMon admin", session: session) { w in
            if session.canChange {
                w.element(.h2, text: "Add a device")
                form(&w, "/admin/devices", csrf: session.csrf, button: "add device") { w in
                    input(&w, "Name", name: "name", placeholder: "pi-kitchen")
                    input(&w, "Tags", name: "tags", placeholder: "office garage")
                    input(&w, "Interval (s, optional)", name: "interval", type: "number")
                }
            }
            w.element(.h2, text: "Devices (\(records.count))")
            if records.isEmpty {
                w.element(.p, [(.class, "empty")], text: "No device yet.")
                return
            }
            w.element(.table) { w in
                w.element(.thead) { w in
                    w.element(.tr) { w in
                        for h in ["Device", "Status", "Tags", "Interval"] { w.element(.th, text: h) }
                    }
                }
                w.element(.tbody) { w in
                    for r in records {
                        w.element(.tr, [(.dataName, r.name)]) { w in
                            w.element(.td) { $0.element(.a, [(.href, "/admin/devices/\(r.name)")], text: r.name) }
                            w.element(.td) { PageParts.status(&$0, views[r.name]?.status ?? r.status) }
                            w.element(.td, text: r.tags.joined(separator: " "))
                            w.element(.td, text: r.intervalOverride.map { "\($0) s" } ?? "agent's")
                        }
                    }
                }
            }
        }
    }

    /// One device's forms: pause/resume, maintenance, interval, tags, display name, new token, remove.
    static func device(_ r: DeviceRecord, view: DeviceView?, session: LoggedIn, notice: String?) -> String {
        document("\(r.name): DowntimeMon admin", session: session) { w in
            w.element(.h2) { w in
                w.text(r.name + " ")
                PageParts.status(&w, view?.status ?? (r.paused ? .paused : r.status))
            }
            if let notice { w.element(.p, [(.class, "cnote")], text: notice) }
            w.element(.p) { $0.element(.a, [(.href, "/devices/\(r.name)")], text: "device page and log") }
            if let view { DevicePage.alerts(&w, view) }
            if session.canChange {
                if let view { alertForms(&w, r, view: view, csrf: session.csrf) }
                deviceForms(&w, r, csrf: session.csrf)
            } else {
                settings(&w, r)
            }
        }
    }

    /// A device's settings as text, for a viewer.
    private static func settings(_ w: inout HTMLWriter, _ r: DeviceRecord) {
        w.element(.dl) { w in
            w.element(.dt, text: "Paused")
            w.element(.dd, text: r.paused ? "yes" : "no")
            w.element(.dt, text: "Interval")
            w.element(.dd, text: r.intervalOverride.map { "\($0) s" } ?? "the agent's")
            w.element(.dt, text: "Tags")
            w.element(.dd, text: r.tags.isEmpty ? "none" : r.tags.joined(separator: " "))
            w.element(.dt, text: "Display name")
            w.element(.dd, text: r.displayName ?? "none")
        }
    }

    /// Acknowledge (while down and not acknowledged), snooze or wake, critical or not.
    private static func alertForms(_ w: inout HTMLWriter, _ r: DeviceRecord, view: DeviceView, csrf: String) {
        let base = "/admin/devices/\(r.name)"
        if view.status == .down && view.acknowledged == nil {
            w.element(.h2, text: "Acknowledge")
            w.element(.p, [(.class, "mute")], text: "No more reminders for this outage.")
            form(&w, base + "/ack", csrf: csrf, button: "acknowledge") { _ in }
        }
        w.element(.h2, text: view.snoozedUntil == nil ? "Snooze" : "Snoozed")
        w.element(.p, [(.class, "mute")], text: "No messages at all about the device for a while.")
        form(&w, base + "/snooze", csrf: csrf, button: "snooze") { w in
            input(&w, "for", name: "duration", value: "4h", placeholder: "30m, 4h, 1d (at most 30d)")
        }
        if view.snoozedUntil != nil { form(&w, base + "/snooze/clear", csrf: csrf, button: "wake") { _ in } }
        w.element(.h2, text: view.critical ? "Critical" : "Not critical")
        w.element(.p, [(.class, "mute")], text: "A critical device's down is sent at high priority.")
        form(
            &w, base + "/critical" + (view.critical ? "/clear" : ""), csrf: csrf,
            button: view.critical ? "not critical" : "mark critical"
        ) { _ in }
    }

    /// A device's forms, for an admin.
    private static func deviceForms(_ w: inout HTMLWriter, _ r: DeviceRecord, csrf: String) {
        let base = "/admin/devices/\(r.name)"
        w.element(.h2, text: r.paused ? "Paused" : "Pause")
        let verb = r.paused ? "resume" : "pause"
        form(&w, base + "/" + verb, csrf: csrf, button: verb) { _ in }
        w.element(.h2, text: "Maintenance now")
        form(&w, base + "/maintenance", csrf: csrf, button: "start maintenance") { w in
            input(&w, "for", name: "duration", value: "1h", placeholder: "90s, 30m, 2h, 1d")
        }
        w.element(.h2, text: "Interval")
        form(&w, base + "/interval", csrf: csrf, button: "set interval") { w in
            input(
                &w, "seconds (empty: the agent's)", name: "seconds", type: "number",
                value: r.intervalOverride.map(String.init) ?? "")
        }
        w.element(.h2, text: "Tags")
        form(&w, base + "/tags", csrf: csrf, button: "set tags") { w in
            input(&w, "tags", name: "tags", value: r.tags.joined(separator: " "))
        }
        w.element(.h2, text: "Display name")
        w.element(.p, [(.class, "mute")], text: "What public status pages show instead of the device's name.")
        form(&w, base + "/display", csrf: csrf, button: "set display name") { w in
            input(&w, "display name (empty: none)", name: "display", value: r.displayName ?? "")
        }
        w.element(.h2, text: "Token")
        w.element(.p, [(.class, "mute")], text: "A new token is shown once; the old one stops working at once.")
        form(&w, base + "/token", csrf: csrf, button: "new token") { _ in }
        w.element(.h2, text: "Remove")
        w.element(.p) { $0.element(.a, [(.href, base + "/remove")], text: "remove \(r.name)…") }
    }

    static func confirmRemove(_ name: String, session: LoggedIn) -> String {
        let csrf = session.csrf
        return document("Remove \(name)?", session: session) { w in
            w.element(.h2, text: "Remove \(name)?")
            w.element(.p, text: "This removes the device \(name), its token and its whole log. It cannot be undone.")
            form(&w, "/admin/devices/\(name)/remove", csrf: csrf, button: "remove \(name)", danger: true) { _ in }
            w.element(.p) { $0.element(.a, [(.href, "/admin/devices/\(name)")], text: "keep it") }
        }
    }

    /// The token, shown this once, with the lines that set up a reporter with it.
    static func token(device: String, token: String, lines: InstallLines?, added: Bool, session: LoggedIn)
        -> String
    {
        document("\(device): token", session: session) { w in
            w.element(.h2, text: added ? "Added \(device)" : "New token of \(device)")
            w.element(
                .p, [(.class, "cnote")],
                text: "The token is shown only now: the collector keeps just its hash."
                    + (added ? "" : " The old token no longer works."))
            w.element(.pre) { $0.element(.code, text: token) }
            if let lines {
                w.element(.h2, text: "downtime-agent: /etc/downtime/agent.env")
                w.element(.pre) { $0.element(.code, text: lines.agentEnv) }
                w.element(.pre) { $0.element(.code, text: lines.agentInstall) }
                w.element(.h2, text: "Shell reporter (curl and sh, no agent): download it, then install it")
                w.element(.pre) { $0.element(.code, text: lines.reporterDownload + "\n" + lines.reporterInstall) }
                w.element(
                    .p, [(.class, "mute")],
                    text: "--install copies it to /usr/local/bin, its settings to /etc/downtime/report.env and "
                        + "starts downtime-report.service. Without systemd, run the same line with --once "
                        + "instead of --install from cron.")
            } else {
                w.element(
                    .p, [(.class, "err")],
                    text: "The Host header of this request is not a host name, so no collector URL is shown.")
            }
            w.element(.p) { $0.element(.a, [(.href, "/admin/devices/\(device)")], text: "manage \(device)") }
        }
    }

    /// A refusal or a bad input, as a page.
    static func problem(_ title: String, _ message: String, back: String) -> String {
        document(title, session: nil) { w in
            w.element(.h2, text: title)
            w.element(.p, [(.class, "err")], text: message)
            w.element(.p) { $0.element(.a, [(.href, back)], text: "back") }
        }
    }
}
