import Foundation

/// Login through a reverse proxy that authenticates people itself (nginx `auth_request`, Authelia, oauth2-proxy): a
/// request from a trusted proxy address that carries the configured header is that user; from any other address
/// the header is ignored (and the collector logs it once), so no one can claim a name by sending it.
public struct ProxyLogin: Sendable, Equatable {
    /// The networks the proxies connect from.
    public var trusted: [CIDR]
    /// The header the proxy sets (`Remote-User`).
    public var header: String
    /// The role a user the store does not know is created with; nil: an unknown name is refused.
    public var createAs: Role?

    public init(trusted: [CIDR], header: String, createAs: Role? = nil) {
        self.trusted = trusted
        self.header = header
        self.createAs = createAs
    }

    /// What a request's header says, from the address it came from.
    public enum Claim: Sendable, Equatable {
        /// No header (or an empty one): the request is whoever its other credentials say.
        case none
        /// The header, from a trusted proxy: the user it names.
        case user(String)
        /// The header from an address that is no trusted proxy: ignored.
        case untrusted(address: String)
    }

    public func claim(header value: String?, from address: String?) -> Claim {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return .none }
        guard let address, trusted.contains(where: { $0.contains(address) }) else {
            return .untrusted(address: address ?? "unknown")
        }
        return .user(value)
    }
}
