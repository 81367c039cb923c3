#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `POST /api/v1/enroll`: a new agent asks for its token with the site's enrollment key.
public struct EnrollRequest: Codable, Sendable, Equatable {
    public var device: String
    public var enrollmentKey: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case device
        case enrollmentKey = "enrollment_key"
    }

    public init(device: String, enrollmentKey: String) {
        self.device = device
        self.enrollmentKey = enrollmentKey
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let values = try decoder.container(keyedBy: CodingKeys.self)
        device = try Check.deviceName(values.decode(String.self, forKey: .device))
        enrollmentKey = try Check.text(
            values.decode(String.self, forKey: .enrollmentKey),
            field: "enrollment_key", max: 256)
    }
}
