import DowntimeProtocol
import Foundation

/// The overview's list request: `?q=` (part of a name or tag, or a status word), `?status=`, `?tag=`, `?site=`,
/// `?cursor=`.
/// Any of them, even an empty `q`, asks for the list; without them a large fleet shows only its problems.
public struct OverviewQuery: Sendable, Equatable {
    /// Where a list page starts: after this device in the list's order (status, then name).
    public struct Cursor: Sendable, Equatable {
        public var status: DeviceStatus
        public var name: String

        public init(status: DeviceStatus, name: String) {
            self.status = status
            self.name = name
        }

        /// `status:name`, as it travels in `?cursor=`.
        public var text: String { "\(status.rawValue):\(name)" }

        public init?(_ text: String) {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let s = DeviceStatus(rawValue: String(parts[0])),
                let n = DeviceName.normalize(String(parts[1])), n == parts[1]
            else { return nil }
            self.init(status: s, name: n)
        }
    }

    public var text: String?
    public var status: DeviceStatus?
    public var tag: String?
    /// A site's name as shown (`default` for the default site).
    public var site: String?
    /// `?checks=failing`: only the devices with a failing service check.
    public var failingChecks = false
    public var cursor: Cursor?

    public init(
        text: String? = nil, status: DeviceStatus? = nil, tag: String? = nil, site: String? = nil,
        cursor: Cursor? = nil, failingChecks: Bool = false
    ) {
        self.failingChecks = failingChecks
        self.text = text
        self.status = status
        self.tag = tag
        self.site = site
        self.cursor = cursor
    }

    /// Reads a `?site=` value (the overview's and `GET /api/v1/devices`'): a bad one is a 400 naming it.
    package static func site(_ raw: String?) throws -> String? {
        guard let raw else { return nil }
        guard SiteName.isValid(raw) else {
            throw QueryError(field: "site", "site must match \(DeviceName.rule)")
        }
        return SiteName.name(SiteName.normalize(raw))
    }

    /// Reads the query string's values; a bad status, tag, site or cursor is a 400 naming it.
    package static func parse(
        q: String?, status: String?, tag: String?, site: String? = nil, cursor: String?, checks: String? = nil
    ) throws -> OverviewQuery {
        var out = OverviewQuery(text: q.map { String($0.prefix(100)) })
        if let checks {
            guard checks == "failing" else { throw QueryError(field: "checks", "checks must be failing") }
            out.failingChecks = true
        }
        if let status {
            guard let s = DeviceStatus(rawValue: status) else {
                throw QueryError(field: "status", "status must be one of down, late, unreachable, new, up, paused")
            }
            out.status = s
        }
        if let tag {
            guard let t = DeviceName.normalize(tag) else {
                throw QueryError(field: "tag", "tag must match \(DeviceName.rule)")
            }
            out.tag = t
        }
        out.site = try Self.site(site)
        if let cursor {
            guard let c = Cursor(cursor) else { throw QueryError(field: "cursor", "invalid cursor") }
            out.cursor = c
        }
        return out
    }

    /// True when the list is asked for (any parameter given, an empty `q` too).
    public var asksForList: Bool {
        text != nil || status != nil || tag != nil || site != nil || cursor != nil || failingChecks
    }

    public func matches(_ d: OverviewModel.Entry) -> Bool {
        if let status, d.status != status { return false }
        if let tag, !d.tags.contains(tag) { return false }
        if let site, d.site != site { return false }
        if failingChecks, d.failingChecks == 0 { return false }
        let q = (text ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        return q.isEmpty || d.name.contains(q) || d.tags.contains { $0.contains(q) } || d.status.rawValue == q
    }

    /// The query string of this list (without a cursor) with `cursor`, for the page's links.
    public func link(cursor next: Cursor? = nil) -> String {
        var parts: [String] = []
        func add(_ key: String, _ value: String) {
            // ASCII only: CharacterSet.alphanumerics would leave other letters unencoded.
            let allowed = CharacterSet(
                charactersIn: "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
            parts.append(key + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""))
        }
        if let text { add("q", text) }
        if let status { add("status", status.rawValue) }
        if let tag { add("tag", tag) }
        if let site { add("site", site) }
        if failingChecks { add("checks", "failing") }
        if let next { add("cursor", next.text) }
        if parts.isEmpty { add("q", "") }
        return "/?" + parts.joined(separator: "&")
    }
}
