import DowntimeProtocol
import Foundation

/// Something worth telling people, in words and facts.
public struct Notification: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case down, up, new, flapping, group, test
        /// An agent cannot write its state folder (read-only, full, failing).
        case storage
        /// A device's firmware reports under-voltage (damped like flapping).
        case underVoltage = "under_voltage"
        /// A UPS's change (mains out, low battery, mains back, comms lost...); `devices` holds the UPS's name.
        case ups
        /// A power cut or network outage across a site (docs/DESIGN.md "Sites and incidents"): one message for its
        /// devices.
        case incident
        /// An incident already told lost members (their own reports gave another cause): `devices` holds them
        /// (docs/DESIGN.md "One message per incident").
        case correction
        /// A device (or several) still down, every `remind=` of a channel (docs/DESIGN.md "Reminders").
        case reminder
        /// Service checks of one device began failing (`devices` holds the device).
        case checkFailing = "check_failing"
        /// Service checks of one device whose failure was told are ok again.
        case checkOk = "check_ok"
        /// A registered job's problem began: late, running too long, failed or interrupted (docs/DESIGN.md "Jobs").
        case jobProblem = "job_problem"
        /// A job whose problem was told is ok (or running) again.
        case jobOk = "job_ok"
        /// A channel's daily or weekly summary (`digest=`, docs/DESIGN.md "Digests"); never planned from flips.
        case digest
        /// What was held in a channel's quiet hours, told when they end (`quiet=`, docs/DESIGN.md "Quiet hours").
        case quiet
    }

    public var kind: Kind
    public var devices: [String]
    public var title: String
    public var text: String
    public var at: Date
    public var outage: OutageView?
    /// The same in HTML (a digest's tables), for the channels that show it (e-mail, beside the text); nil for most.
    public var html: String?
    /// A down of a critical device (`DeviceAlerts.critical`): Pushover sends it at priority 1.
    public var critical = false
    /// The message's acknowledge link (`/ack/TOKEN`), also at the end of `text`; nil for messages without one.
    public var ackURL: String?

    public init(
        kind: Kind, devices: [String], title: String, text: String, at: Date, outage: OutageView? = nil,
        html: String? = nil
    ) {
        self.html = html
        self.kind = kind
        self.devices = devices
        self.title = title
        self.text = text
        self.at = at
        self.outage = outage
    }
}
