import CollectorCore
import Foundation
import Testing

/// The admin password's hash and its config key: only a bcrypt hash is accepted, and the hash never shows
/// in a configuration error.
@Suite struct AdminPasswordTests {
    @Test func confirmationRefusesEachBadEntry() throws {
        #expect(try AdminPassword.confirmed("correct horse", "correct horse\r") == "correct horse")
        let cases: [(String?, String?, AdminPassword.Refusal)] = [
            (nil, nil, .missing), ("correct horse", nil, .missing), ("correct horse", "correct house", .mismatch),
            ("short", "short", .tooShort),
            (String(repeating: "é", count: 37), String(repeating: "é", count: 37), .tooLong),
        ]
        for (first, second, refusal) in cases {
            #expect(throws: refusal) { try AdminPassword.confirmed(first, second) }
        }
    }

    @Test func hashVerifiesOnlyItsPassword() async throws {
        let hash = AdminPassword.hash("correct horse", cost: 4)
        #expect(AdminPassword.isBcryptHash(hash) && !hash.contains("correct"))
        #expect(try await AdminPassword.verify("correct horse", hash: hash))
        #expect(try await AdminPassword.verify("correct house", hash: hash) == false)
    }

    @Test func configTakesOnlyABcryptHash() throws {
        let hash = AdminPassword.hash("correct horse", cost: 4)
        let config = try CollectorConfig.resolve([[.adminPasswordHash: hash]])
        #expect(config.adminPasswordHash == hash)
        #expect(try CollectorConfig.resolve([[:]]).adminPasswordHash == nil)
        for bad in [
            "correct horse", String(hash.dropLast()), "$2b$99$" + hash.dropFirst(7),
            hash.replacingOccurrences(
                of: "$2b$", with: "$1$"),
        ] {
            do {
                _ = try CollectorConfig.resolve(named: [.file([.adminPasswordHash: bad], path: "/etc/c.env")])
                Issue.record("accepted \(bad)")
            } catch let error as ConfigError {
                #expect(error.description.contains("DOWNTIME_ADMIN_PASSWORD_HASH in /etc/c.env"))
                #expect(error.description.contains("bcrypt") && !error.description.contains(bad))
            }
        }
    }
}
