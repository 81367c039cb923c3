import CollectorRules
import Hummingbird

/// A device's acknowledge, snooze and critical buttons (docs/DESIGN.md "Acknowledge, snooze, critical"): admins only,
/// with the CSRF check of every admin form.
extension AdminController {
    func addAlertRoutes(_ router: Router<Context>) {
        let alerts = collector.alerts
        postDevice("/admin/devices/{name}/ack", router) { _, _, _, caller, name in
            try await alerts.acknowledge(device: name, by: caller.user)
            logAction(caller, "acknowledged the outage of \(name)")
            return Self.redirect("/admin/devices/\(name)")
        }
        postDevice("/admin/devices/{name}/snooze", router) { _, _, form, caller, name in
            // An empty duration is refused like a bad one; waking is its own button.
            let (device, until) = try await alerts.snooze(device: name, for: form["duration"] ?? "")
            logAction(caller, "snoozed \(device) until \(until.map { "\($0)" } ?? "-")")
            return Self.redirect("/admin/devices/\(device)")
        }
        postDevice("/admin/devices/{name}/snooze/clear", router) { _, _, _, caller, name in
            _ = try await alerts.snooze(device: name, for: nil)
            logAction(caller, "woke \(name)")
            return Self.redirect("/admin/devices/\(name)")
        }
        for critical in [true, false] {
            let path = RouterPath("/admin/devices/{name}/critical" + (critical ? "" : "/clear"))
            postDevice(path, router) { _, _, _, caller, name in
                try await alerts.setCritical(critical, device: name)
                logAction(caller, critical ? "marked \(name) critical" : "marked \(name) not critical")
                return Self.redirect("/admin/devices/\(name)")
            }
        }
    }
}
