import CollectorCore
import Foundation
import Testing

/// `sslmode` and `sslrootcert` in --database URLs, read as libpq reads them.
@Suite struct PostgresURLTests {
    @Test(arguments: [
        ("", PostgresURL.SSLMode.disable, false), ("?sslmode=disable", .disable, false),
        ("?sslmode=prefer", .prefer, false),
        ("?sslmode=require", .require, true), ("?sslmode=verify-ca", .verifyCA, true),
        ("?sslmode=verify-full", .verifyFull, true),
    ])
    func sslModes(query: String, mode: PostgresURL.SSLMode, required: Bool) throws {
        let url = try PostgresURL("postgres://u:p@db.lan/d" + query)
        #expect(url.sslMode == mode && url.requireTLS == required)
        #expect((url.tlsConfiguration == nil) == (mode == .disable))
    }

    @Test func rootCertificateIsCheckedAndMakesRequireVerifyTheCA() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("root-\(UUID().uuidString).pem").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let url = try PostgresURL("postgres://u:p@db.lan/d?sslmode=require&sslrootcert=\(file)")
        #expect(url.sslMode == .verifyCA && url.sslRootCert == file)
        let full = try PostgresURL("postgres://u:p@db.lan/d?sslmode=verify-full&sslrootcert=\(file)")
        #expect(full.sslMode == .verifyFull)
        for bad in ["?sslmode=sometimes", "?sslrootcert=/no/such/file.pem", "?sslcert=x"] {
            #expect(throws: ConfigError.self) { try PostgresURL("postgres://u:p@db.lan/d" + bad) }
        }
    }
}
