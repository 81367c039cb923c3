import DowntimeProtocol
import Foundation

/// A public status page as stored: its name (the URL's `/status/NAME`), title, which devices it shows, and the bcrypt
/// hash of its password when it has one.
public struct StatusPageRecord: Sendable, Equatable {
    public var name: String
    public var title: String
    public var selector: StatusPageSelector
    /// bcrypt; nil for a page anyone may read.
    public var passwordHash: String?
    public var createdAt: Date

    public init(
        name: String, title: String, selector: StatusPageSelector, passwordHash: String? = nil, createdAt: Date
    ) {
        self.name = name
        self.title = title
        self.selector = selector
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }

    /// A page name: the device-name rule without dots (`/status/NAME.json` is the page's JSON).
    public static func normalize(_ raw: String) -> String? {
        guard let name = DeviceName.normalize(raw), !name.contains(".") else { return nil }
        return name
    }

    /// A title: 1 to 80 characters once trimmed, no control characters.
    public static func title(_ raw: String) -> String? {
        DisplayName.clean(raw, max: 80)
    }
}
