/// What an acknowledge link's use came to.
public enum AckLinkOutcome: Sendable, Equatable {
    /// These devices' outages are acknowledged (for a GET: would be).
    case acknowledged([String])
    /// No such link.
    case unknown
    /// Used once already.
    case used
    /// Every outage it named has ended.
    case expired
}
