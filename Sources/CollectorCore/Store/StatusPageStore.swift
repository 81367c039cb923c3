import CollectorRules

/// The public status pages (both backends, `SQLStore+StatusPages`).
public protocol StatusPageStore: Sendable {
    /// Every page, by name.
    func statusPages() async throws -> [StatusPageRecord]
    func statusPage(named name: String) async throws -> StatusPageRecord?
    /// Adds a page; throws `StoreError.statusPageExists` for a taken name.
    func addStatusPage(_ page: StatusPageRecord) async throws
    /// Removes a page; false when there was none.
    func removeStatusPage(named name: String) async throws -> Bool
}
