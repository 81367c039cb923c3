import CollectorRules
import DowntimeProtocol

/// Why an admin change was refused; the HTTP layer and the CLI each map it to their own answer.
public enum AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A name given for a new device (the enrolment API's wording, field `device`).
    case invalidNewName
    case invalidName(String)
    case nameTaken(String)
    case noDevice(String)
    case invalidTag(String)
    case invalidSite(String)
    case invalidInterval
    case invalidWindow(WireValidationError)
    case invalidDuration
    case noWindow(Int64)
    /// `device depends NAME --on NAME`.
    case dependsOnItself(String)
    /// The dependency asked for closes a loop: the chain from the device back to itself.
    case dependencyCycle([String])
    case invalidUserName(String)
    case userTaken(String)
    case noUser(String)
    /// `admin` is the built-in admin's name.
    case reservedUserName
    case invalidPassword(AdminPassword.Refusal)
    case invalidKeyName(String)
    case keyTaken(String)
    case noKey(String)
    case invalidStatusPageName(String)
    case invalidTitle
    case invalidSelection(StatusPageSelector.Refusal)
    case statusPageTaken(String)
    case noStatusPage(String)
    case invalidDisplayName
    /// `device ack NAME` of a device that is not down: there is no outage to acknowledge.
    case notDown(String)
    /// `device snooze NAME` without a duration or `--clear`.
    case invalidSnooze
    case invalidJobName(String)
    case jobTaken(String)
    case noJob(String)
    /// `job add` of a device that does not exist (bad input: exit 2, like the job's other options).
    case jobDeviceUnknown(String)
    case invalidSchedule(String)
    /// The option whose duration could not be read.
    case invalidJobDuration(String)

    /// True when what was named does not exist (the CLI's exit code 3).
    public var isNotFound: Bool {
        switch self {
        case .noDevice, .noWindow, .noUser, .noKey, .noStatusPage, .noJob: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .invalidNewName: "device name must match \(DeviceName.rule)"
        case .invalidName(let raw): "invalid device name \(raw): must match \(DeviceName.rule)"
        case .nameTaken(let name): "a device named \(name) already exists"
        case .noDevice(let name): "no device named \(name)"
        case .invalidTag(let tag): "invalid tag \(tag)"
        case .invalidSite(""): "give a site, or --clear"
        case .invalidSite(let site): "invalid site \(site): must match \(DeviceName.rule)"
        case .invalidInterval: "give the interval in seconds (1 to 86400), or --clear"
        case .invalidWindow(let error): error.field.isEmpty ? error.message : "\(error.field) \(error.message)"
        case .invalidDuration: "duration must be like 90s, 30m, 2h or 1d"
        case .noWindow(let id): "no maintenance window \(id)"
        case .dependsOnItself(let name): "\(name) cannot depend on itself"
        case .dependencyCycle(let chain):
            "refused: \(chain.joined(separator: " → ")) would be a cycle (a device cannot be behind itself)"
        case .invalidUserName(let raw): "invalid user name \(raw): must match \(DeviceName.rule)"
        case .userTaken(let name): "a user named \(name) already exists"
        case .noUser(let name): "no user named \(name)"
        case .reservedUserName:
            "admin is the built-in admin (DOWNTIME_ADMIN_PASSWORD_HASH): choose another name"
        case .invalidPassword(let refusal): refusal.description
        case .invalidKeyName(let raw): "invalid API key name \(raw): must match \(DeviceName.rule)"
        case .keyTaken(let name): "an API key named \(name) already exists"
        case .noKey(let name): "no API key named \(name)"
        case .invalidStatusPageName(let raw):
            "invalid status page name \(raw): must match [a-z0-9][a-z0-9_-]{0,62} (no dots)"
        case .invalidTitle: "give the page a title of 1 to 80 characters"
        case .invalidSelection(let refusal): refusal.description
        case .statusPageTaken(let name): "a status page named \(name) already exists"
        case .noStatusPage(let name): "no status page named \(name)"
        case .invalidDisplayName:
            "give a display name of 1 to \(DisplayName.maxLength) characters without control characters, or --clear"
        case .notDown(let name): "\(name) is not down: there is no outage to acknowledge"
        case .invalidSnooze: "snooze for a duration like 30m, 4h or 1d (at most 30d), or --clear"
        case .invalidJobName(let raw): "invalid job name \(raw): must match \(DeviceName.rule)"
        case .jobTaken(let name): "a job named \(name) already exists"
        case .noJob(let name): "no job named \(name)"
        case .jobDeviceUnknown(let name): "--device: no device named \(name)"
        case .invalidSchedule(let message): message
        case .invalidJobDuration(let option): "\(option): duration must be like 90s, 30m, 2h or 1d"
        }
    }
}
