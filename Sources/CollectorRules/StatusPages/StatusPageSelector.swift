import DowntimeProtocol
import Foundation

/// Which devices a public status page shows (`--select`): those of one site, those with one tag, or devices by name.
public enum StatusPageSelector: Sendable, Equatable {
    case site(String)
    case tag(String)
    case devices([String])

    /// Why a selector was refused.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownKind(String)
        case empty(String)
        case invalidName(String)

        public var description: String {
            switch self {
            case .unknownKind(let raw): "unknown selection \(raw): use site:NAME, tag:NAME or device:NAME,NAME"
            case .empty(let raw): "empty selection \(raw): name a site, a tag or at least one device"
            case .invalidName(let name): "invalid name \(name) in the selection: must match \(DeviceName.rule)"
            }
        }
    }

    /// `site:home`, `tag:public` or `device:a,b` (names lower-cased, each device once, in the order given).
    public static func parse(_ raw: String) throws(Refusal) -> StatusPageSelector {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let colon = text.firstIndex(of: ":") else {
            throw text.isEmpty ? Refusal.empty(raw) : Refusal.unknownKind(raw)
        }
        let kind = text[..<colon].lowercased()
        let names = text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard ["site", "tag", "device", "devices"].contains(kind) else { throw Refusal.unknownKind(raw) }
        guard !names.isEmpty else { throw Refusal.empty(raw) }
        var clean: [String] = []
        for name in names {
            guard let n = DeviceName.normalize(name) else { throw Refusal.invalidName(name) }
            if !clean.contains(n) { clean.append(n) }
        }
        switch kind {
        case "site", "tag":
            guard clean.count == 1 else { throw Refusal.unknownKind(raw) }
            return kind == "site" ? .site(clean[0]) : .tag(clean[0])
        default: return .devices(clean)
        }
    }

    /// The selector as `parse` reads it back (what the store keeps).
    public var text: String {
        switch self {
        case .site(let s): "site:\(s)"
        case .tag(let t): "tag:\(t)"
        case .devices(let names): "device:" + names.joined(separator: ",")
        }
    }

    /// True when the selector picks `device`.
    public func picks(_ device: DeviceRecord) -> Bool {
        switch self {
        case .site(let s): SiteName.name(device.site) == s
        case .tag(let t): device.tags.contains(t)
        case .devices(let names): names.contains(device.name)
        }
    }
}
