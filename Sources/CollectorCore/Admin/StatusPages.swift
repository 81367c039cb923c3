import CollectorRules
import DowntimeProtocol
import Foundation

/// The public status pages (`/status/NAME`): made and removed by the CLI and the admin pages, read without login. A
/// page with a password is opened by a cookie of its own, derived from the page's bcrypt hash (so a new password, or
/// a removed page, ends every such cookie, and a restart keeps them).
public struct StatusPages: Sendable {
    let store: any Store
    let clock: any WallClock
    /// bcrypt's cost for new passwords (12; tests use less).
    let cost: UInt8

    public init(store: any Store, clock: any WallClock = SystemWallClock(), cost: UInt8 = 12) {
        self.store = store
        self.clock = clock
        self.cost = cost
    }

    public func list() async throws -> [StatusPageRecord] { try await store.statusPages() }

    /// The page of a name as typed; nil when there is none (or the name could be none).
    public func page(_ raw: String) async throws -> StatusPageRecord? {
        guard let name = StatusPageRecord.normalize(raw) else { return nil }
        return try await store.statusPage(named: name)
    }

    /// A new page; a selection of devices by name must name existing devices.
    @discardableResult
    public func add(_ raw: String, title rawTitle: String, select: String, password: String? = nil) async throws
        -> StatusPageRecord
    {
        guard let name = StatusPageRecord.normalize(raw) else { throw AdminError.invalidStatusPageName(raw) }
        guard let title = StatusPageRecord.title(rawTitle) else { throw AdminError.invalidTitle }
        let selector: StatusPageSelector
        do { selector = try StatusPageSelector.parse(select) } catch { throw AdminError.invalidSelection(error) }
        if case .devices(let names) = selector {
            let known = Set(try await store.allDevices().map(\.name))
            if let missing = names.first(where: { !known.contains($0) }) { throw AdminError.noDevice(missing) }
        }
        let record = StatusPageRecord(
            name: name, title: title, selector: selector,
            passwordHash: password.map { AdminPassword.hash($0, cost: cost) },
            createdAt: clock.now())
        do { try await store.addStatusPage(record) } catch StoreError.statusPageExists {
            throw AdminError.statusPageTaken(name)
        }
        return record
    }

    /// Removes a page at once (its cookies end with it); returns its name.
    @discardableResult
    public func remove(_ raw: String) async throws -> String {
        guard let name = StatusPageRecord.normalize(raw) else { throw AdminError.invalidStatusPageName(raw) }
        guard try await store.removeStatusPage(named: name) else { throw AdminError.noStatusPage(name) }
        return name
    }

    /// Whether `password` opens `page`.
    public static func unlocks(_ page: StatusPageRecord, password: String) async throws -> Bool {
        guard let hash = page.passwordHash else { return true }
        return try await AdminPassword.verify(password, hash: hash)
    }

    /// The value of the cookie that opens a page with a password (nil for a page without one).
    public static func cookieValue(_ page: StatusPageRecord) -> String? {
        page.passwordHash.map { Tokens.hex(Tokens.hash("status-page \(page.name) \($0)")) }
    }

    /// The cookie's name: one per page.
    public static func cookieName(_ page: StatusPageRecord) -> String { "downtime_status_\(page.name)" }
}
