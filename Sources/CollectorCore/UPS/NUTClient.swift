import CollectorRules
import Foundation

/// Reads the UPSes of one NUT server through NUT's network protocol: one connection, kept between
/// polls and made again after a failure; logs in with USERNAME/PASSWORD/LOGIN when credentials are given
/// (upsd only checks the password at LOGIN). Blocking, so it is only ever called on a thread of its own.
public final class NUTClient: @unchecked Sendable {
    // @unchecked: the connection is touched only by `poll`, which the monitor never runs twice at once.
    public let spec: NUTServerSpec
    let timeout: TimeInterval
    private var connection: NUTConnection?

    public init(spec: NUTServerSpec, timeout: TimeInterval = 3) {
        self.spec = spec
        self.timeout = timeout
    }

    /// Each UPS's outcome, or the failure of the whole server (connection, login).
    public func poll() -> Result<[String: UPSTracker.Outcome], NUTFailure> {
        // A kept connection may have died since (upsd restarted): one fresh try says what is true now.
        if connection != nil, case .success(let o) = attempt() { return .success(o) }
        return attempt()
    }

    private func attempt() -> Result<[String: UPSTracker.Outcome], NUTFailure> {
        do {
            let session = try connected()
            var out: [String: UPSTracker.Outcome] = [:]
            for ups in spec.ups { out[ups] = try read(ups, on: session) }
            return .success(out)
        } catch {
            connection = nil
            return .failure(error as? NUTFailure ?? NUTFailure("\(error)"))
        }
    }

    /// `poll` on a new thread: the caller's task waits without holding a thread of Swift's pool.
    public func pollOffPool() async -> Result<[String: UPSTracker.Outcome], NUTFailure> {
        await withCheckedContinuation { cont in
            Thread.detachNewThread { cont.resume(returning: self.poll()) }
        }
    }

    private func connected() throws -> NUTConnection {
        if let connection { return connection }
        let opened = try NUTConnection(host: spec.host, port: spec.port, timeout: timeout)
        if let user = spec.user, let password = spec.password {
            try expectOK(opened.request(["USERNAME", user]), doing: "USERNAME")
            try expectOK(opened.request(["PASSWORD", password]), doing: "PASSWORD")
            switch try opened.request(["LOGIN", spec.ups[0]]) {
            case .ok: break
            case .error("ACCESS-DENIED"): throw NUTFailure("login refused (ACCESS-DENIED): wrong user or password")
            case .error(let code): throw NUTFailure("login refused (\(code))")
            default: throw NUTFailure("unexpected answer to LOGIN")
            }
        }
        connection = opened
        return opened
    }

    private func expectOK(_ reply: NUTReply, doing what: String) throws {
        switch reply {
        case .ok: return
        case .error(let code): throw NUTFailure("\(what) refused (\(code))")
        default: throw NUTFailure("unexpected answer to \(what)")
        }
    }

    /// GET VAR for each variable of a reading; a UPS the server cannot read is an outcome, not a failure.
    private func read(_ ups: String, on c: NUTConnection) throws -> UPSTracker.Outcome {
        var values: [String: String] = [:]
        for name in UPSReading.variables {
            switch try c.request(["GET", "VAR", ups, name]) {
            case .variable(let u, let n, let v) where u == ups && n == name: values[name] = v
            case .error("VAR-NOT-SUPPORTED") where name != "ups.status": continue
            case .error(let code): return .unreadable("the NUT server says \(code)")
            default: throw NUTFailure("unexpected answer to GET VAR \(ups) \(name)")
            }
        }
        guard let reading = UPSReading(variables: values) else { return .unreadable("no ups.status") }
        return .reading(reading)
    }
}
