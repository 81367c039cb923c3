#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Docker Engine API's error body, `{"message": "..."}`.
struct APIMessage: Decodable {
    var message: String

    static func parse(_ body: [UInt8]) -> String? {
        (try? JSONDecoder().decode(APIMessage.self, from: Data(body)))?.message
    }
}
