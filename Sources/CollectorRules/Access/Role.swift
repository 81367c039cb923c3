/// What an account may do: an admin changes things, a viewer reads everything an admin reads and changes nothing.
public enum Role: String, Sendable, CaseIterable, Codable {
    case admin, viewer
}
