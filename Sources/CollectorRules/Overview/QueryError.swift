/// A query parameter the overview cannot take; answered as 400 with `field` (HTTP maps it, see `APIError`).
public struct QueryError: Error, Sendable, Equatable {
    public var field: String
    public var message: String

    package init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}
