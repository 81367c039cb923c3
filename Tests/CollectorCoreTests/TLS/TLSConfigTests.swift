import CollectorCore
import Foundation
import Testing

@Suite struct TLSConfigTests {
    @Test func certificateAndKeyComeTogether() throws {
        let both = try CollectorConfig.resolve([[.tlsCert: "/c.pem", .tlsKey: "/k.pem"]])
        #expect(both.tlsCert == "/c.pem" && both.tlsKey == "/k.pem")
        #expect(try CollectorConfig.resolve([]).tlsCert == nil)
        for (layer, key) in [
            ([CollectorConfig.Key.tlsCert: "/c.pem"], "DOWNTIME_TLS_KEY"), ([.tlsKey: "/k.pem"], "DOWNTIME_TLS_CERT"),
        ] {
            do {
                _ = try CollectorConfig.resolve([layer])
                Issue.record("\(layer) accepted")
            } catch let e as ConfigError {
                #expect(e.key == key)
            }
        }
    }

    @Test(arguments: [
        ("0.0.0.0", false, true, false, true), ("0.0.0.0", false, false, true, true),
        ("192.168.1.10", false, true, true, true),
        ("0.0.0.0", true, true, true, false), ("127.0.0.1", false, true, true, false),
        ("localhost", false, true, false, false),
        ("::1", false, false, true, false), ("0.0.0.0", false, false, false, false),
    ])
    func plainHTTPWarning(host: String, tls: Bool, password: Bool, key: Bool, warns: Bool) {
        let text = PlainHTTPWarning.text(host: host, tls: tls, pagePassword: password, enrollmentKey: key)
        #expect((text != nil) == warns)
        if let text {
            #expect(text.contains(host) && text.contains("--tls-cert"))
            #expect(text.contains("page password") == password && text.contains("enrolment key") == key)
        }
    }

    @Test func plainHTTPWarningNamesTheAdminPassword() {
        let text = PlainHTTPWarning.text(
            host: "0.0.0.0", tls: false, pagePassword: false, enrollmentKey: false,
            adminPassword: true)
        #expect(text?.contains("the admin password (at login) and session and device tokens") == true)
        #expect(
            PlainHTTPWarning.text(
                host: "0.0.0.0", tls: true, pagePassword: false, enrollmentKey: false,
                adminPassword: true) == nil)
        #expect(
            PlainHTTPWarning.text(
                host: "127.0.0.1", tls: false, pagePassword: false, enrollmentKey: false,
                adminPassword: true) == nil)
    }
}
