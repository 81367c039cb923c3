import CollectorRules
import DowntimeProtocol

/// Why the collector refuses what an agent or a ping sent; HTTP answers each with its status (`APIError`).
public enum IngestError: Error, Sendable, Equatable {
    /// No `Authorization: Bearer` token, or a malformed one.
    case missingToken
    /// A token no device has.
    case badToken
    /// The token is another device's than the one `field` names.
    case wrongDevice(field: String)
    /// An event kind only the collector records (a flip, a collector's own record), at `field`.
    case collectorOnly(Event.Kind, field: String)
    case enrollmentOff
    case wrongEnrollmentKey
    /// The device an enrollment asked for could not be added.
    case refused(AdminError)
}
