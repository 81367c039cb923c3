import CollectorRules
import Foundation

// Public status pages, once for both backends.
extension SQLStore {
    public func statusPages() async throws -> [StatusPageRecord] {
        try await executor.statements { conn in
            try await conn.query(sql.allStatusPages) { try $0.statusPageRecord() }
        }
    }

    public func statusPage(named name: String) async throws -> StatusPageRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.statusPageNamed, [.text(name)]) { try $0.statusPageRecord() }.first
        }
    }

    public func addStatusPage(_ page: StatusPageRecord) async throws {
        let values: [StoreValue] = [
            .text(page.name), .text(page.title), .text(page.selector.text), .text(page.passwordHash),
            .time(page.createdAt),
        ]
        try await executor.transaction { conn in
            guard try await conn.execute(sql.insertStatusPage, values) > 0 else {
                throw StoreError.statusPageExists(page.name)
            }
        }
    }

    public func removeStatusPage(named name: String) async throws -> Bool {
        try await executor.transaction { conn in try await conn.execute(sql.deleteStatusPage, [.text(name)]) > 0 }
    }

    public func setDisplayName(_ displayName: String?, device: String) async throws -> Bool {
        try await changed(sql.set(.displayName), [.text(displayName), .text(device)])
    }
}

extension StoreRow {
    /// The page of a row of `StoreSQL.statusPageColumns`; nil for a selector this version cannot read (it shows
    /// nothing).
    func statusPageRecord() throws -> StatusPageRecord? {
        guard let selector = try? StatusPageSelector.parse(try required(string("selector"), "selector")) else {
            return nil
        }
        return StatusPageRecord(
            name: try required(string("name"), "name"), title: try required(string("title"), "title"),
            selector: selector, passwordHash: try string("password_hash"),
            createdAt: Date(timeIntervalSince1970: try required(double("created_at"), "created_at")))
    }
}
