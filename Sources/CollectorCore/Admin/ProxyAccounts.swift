import CollectorRules
import Foundation
import Logging
import Synchronization

/// The accounts a reverse proxy names (`ProxyLogin`): a known user, or a new one made with the configured role. A
/// header from an address that is no trusted proxy is ignored and logged once per address.
public final class ProxyAccounts: Sendable {
    public let login: ProxyLogin?
    let users: Users
    let logger: Logger
    /// Addresses already logged for an untrusted header; bounded, so a flood cannot grow it.
    private let warned = Mutex<Set<String>>([])
    static let maxWarned = 1000

    init(login: ProxyLogin?, users: Users, logger: Logger) {
        self.login = login
        self.users = users
        self.logger = logger
    }

    /// What the proxy's header makes of a request.
    public enum Outcome: Sendable, Equatable {
        /// No header that counts: the request's other credentials decide.
        case none
        case account(Account)
        /// A trusted proxy named someone who may not log in.
        case refused
    }

    /// The account of a request's header value, sent from `address`.
    public func account(header value: String?, from address: String?) async throws -> Outcome {
        guard let login else { return .none }
        switch login.claim(header: value, from: address) {
        case .none: return .none
        case .untrusted(let address):
            let first = warned.withLock { seen in
                guard seen.count < Self.maxWarned, !seen.contains(address) else { return false }
                return seen.insert(address).inserted
            }
            if first { logger.warning("\(login.header) header from \(address) ignored: not a trusted proxy") }
            return .none
        case .user(let raw):
            return try await named(raw, login: login)
        }
    }

    private func named(_ raw: String, login: ProxyLogin) async throws -> Outcome {
        let name = raw.lowercased()
        if let (account, _) = try await users.current(name) { return .account(account) }
        guard let role = login.createAs, name != Account.builtInName,
            let made = try? await users.addExternal(name, role: role)
        else {
            logger.notice("\(login.header): \(raw) is no user of this collector: refused")
            return .refused
        }
        logger.notice("\(login.header): added user \(made.name) (\(role.rawValue)) named by the proxy")
        return .account(made.account)
    }
}
