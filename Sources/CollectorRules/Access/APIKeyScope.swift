/// What an API key may read or do: `read` the read API and metrics; `admin` the same today, and any admin
/// operation the API offers.
public enum APIKeyScope: String, Sendable, CaseIterable, Codable {
    case read, admin
}
