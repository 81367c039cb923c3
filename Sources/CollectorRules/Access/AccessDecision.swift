/// What a request gets: through, asked for credentials (401), or refused for the credentials it has (403).
public enum AccessDecision: Sendable, Equatable {
    case allow
    case unauthenticated
    case forbidden
}
