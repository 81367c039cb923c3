import DowntimeProtocol
import Foundation

/// One power cut or network outage across a site (docs/DESIGN.md "Sites and incidents"): the devices that were down
/// together, each with its own window, and the devices of the site that stayed up. Found by `IncidentCorrelator`
/// (pure), recorded by the leader, read at `GET /api/v1/incidents` and `/incidents/{id}`.
public struct Incident: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// Two or more devices of a site lost power (`power_loss` outages) together.
        case powerCut = "power_cut"
        /// Two or more devices of a site could not reach the collector together, without rebooting.
        case network
    }

    /// A device that was down in the incident, with its own outage.
    public struct Member: Sendable, Equatable {
        public var device: String
        public var start: Date
        public var end: Date?
        /// `unknown` for a device that went silent with the others and has not reported since (see the open-incident
        /// rule in `IncidentCorrelator`).
        public var cause: OutageCause
        /// Still silent `IncidentCorrelator.giveUpAfter` after its start: the incident closed without it.
        public var neverCameBack: Bool

        public init(device: String, start: Date, end: Date?, cause: OutageCause, neverCameBack: Bool = false) {
            self.device = device
            self.start = start
            self.end = end
            self.cause = cause
            self.neverCameBack = neverCameBack
        }

        /// Where the member stands: back, still down, or given up on.
        public var standing: Standing {
            if neverCameBack { return .neverCameBack }
            return end == nil ? .stillDown : .back
        }
    }

    /// A member's standing, as the API and the pages say it.
    public enum Standing: String, Sendable, Codable {
        case back
        case stillDown = "still_down"
        case neverCameBack = "never_came_back"

        /// The words people read: "back", "still down", "never came back".
        public var words: String {
            switch self {
            case .back: "back"
            case .stillDown: "still down"
            case .neverCameBack: "never came back"
            }
        }
    }

    /// Stable: derived from kind, site and the earliest member's start when first found (with `-2`... when another
    /// cut of the same run has it), kept while its members' outages are the same cut's.
    public var id: String
    public var kind: Kind
    /// The site as shown (`default` for the default site).
    public var site: String
    /// The earliest member's start.
    public var start: Date
    /// The latest member's end; nil while a member is still down.
    public var end: Date?
    /// By start, then name.
    public var members: [Member]
    /// Devices of the site that were up over the whole span, by name.
    public var unaffected: [String]
    /// The collector is in this site and was itself down over the span.
    public var collectorDown: Bool
    /// A power cut's mains-out time from a UPS of the site (docs/DESIGN.md "Mains out from a UPS"): exact, and then
    /// the incident's start.
    public var mainsOut: MainsOut?

    /// When a UPS of the site went on battery, and which one.
    public struct MainsOut: Sendable, Equatable {
        /// The UPS as `name@host:port`.
        public var ups: String
        public var at: Date

        public init(ups: String, at: Date) {
            self.ups = ups
            self.at = at
        }
    }

    public init(
        id: String, kind: Kind, site: String, start: Date, end: Date?, members: [Member], unaffected: [String],
        collectorDown: Bool, mainsOut: MainsOut? = nil
    ) {
        self.id = id
        self.kind = kind
        self.site = site
        self.start = start
        self.end = end
        self.members = members
        self.unaffected = unaffected
        self.collectorDown = collectorDown
        self.mainsOut = mainsOut
    }

    /// The id an incident first found with these values gets: `power_cut-holiday-house-1764555180`.
    public static func id(kind: Kind, site: String, start: Date) -> String {
        "\(kind.rawValue)-\(site)-\(Int(start.timeIntervalSince1970.rounded(.down)))"
    }

    /// True for text that can be an incident id (what `id(kind:site:start:)` makes): checked before a lookup.
    public static func isValidID(_ text: String) -> Bool {
        (1...160).contains(text.utf8.count)
            && text.utf8.allSatisfy { c in
                (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 46 || c == 95 || c == 45
            }
    }

    /// "Power cut at house" or "house unreachable"; the default site is no place to name ("Power cut", "Network
    /// outage"): devices without a site are not in the collector's own site either. The message's and page's title.
    public var headline: String {
        let named = site != SiteName.defaultName
        return switch kind {
        case .powerCut: named ? "Power cut at \(site)" : "Power cut"
        case .network: named ? "\(site) unreachable" : "Network outage"
        }
    }

    /// Seconds from start to end (to `now` while open).
    public func durationS(now: Date) -> Double {
        max(0, (end ?? now).timeIntervalSince(start))
    }

    /// The members still down (not given up on): while there are any the incident is open.
    public var stillDown: [Member] { members.filter { $0.standing == .stillDown } }

    /// The member devices' names, in member order, each once.
    public var deviceNames: [String] {
        var seen = Set<String>()
        return members.map(\.device).filter { seen.insert($0).inserted }
    }
}
