import CollectorRules
import Foundation
import Hummingbird

/// A message's acknowledge link (docs/DESIGN.md "Acknowledge, snooze, critical"): `GET /ack/TOKEN` shows a button,
/// its `POST` acknowledges the outages the link names. Reachable without login (the token is the capability); a
/// client trying unknown, used or expired tokens is rate-limited like wrong passwords.
struct AckController {
    typealias Context = CollectorRequestContext
    let collector: Collector
    /// Charged for each unknown, used or expired token per client address.
    let failures: RateLimiter

    init(collector: Collector) {
        self.collector = collector
        failures = RateLimiter(collector.config.rateLimits.passwordFailuresPerAddress, clock: collector.clock.wall)
    }

    var alerts: AlertAdmin { collector.alerts }

    func addRoutes(to router: Router<Context>) {
        router.get("/ack/{token}") { request, context in
            let token = context.parameters.get("token") ?? ""
            let address = AdminController.address(context)
            if let wait = failures.waiting(address) { return AdminController.tooMany(wait) }
            let outcome = try await alerts.peekLink(token: token)
            guard case .acknowledged(let devices) = outcome else { return refused(outcome, address) }
            return StatusController.html(AckPage.form(token: token, devices: devices))
        }
        router.post("/ack/{token}") { request, context in
            guard AdminController.sameOrigin(request) else { return AdminController.refusedOrigin() }
            let token = context.parameters.get("token") ?? ""
            let address = AdminController.address(context)
            if let wait = failures.waiting(address) { return AdminController.tooMany(wait) }
            // Done while logged in: the account's name; else the link's.
            let session = try? await collector.access.sessions.session(
                AdminRequest.sessionID(cookie: request.headers[.cookie]))
            let by = session.map { $0.account.name } ?? DeviceAlerts.Ack.viaLink
            let outcome = try await alerts.useLink(token: token, by: by)
            guard case .acknowledged(let devices) = outcome else { return refused(outcome, address) }
            collector.logger.notice("acknowledged \(devices.joined(separator: ", ")) by \(by)")
            return StatusController.html(AckPage.done(devices: devices))
        }
    }

    private func refused(_ outcome: AckLinkOutcome, _ address: String) -> Response {
        if let wait = failures.take(address) { return AdminController.tooMany(wait) }
        return StatusController.html(AckPage.refused(outcome), status: outcome == .unknown ? .notFound : .gone)
    }
}
