import CollectorRules
import Testing

/// Networks and the proxy's claim, as tables.
@Suite struct ProxyLoginTests {
    @Test func networksContainTheirAddresses() throws {
        let rows: [(String, String, Bool)] = [
            ("127.0.0.1/32", "127.0.0.1", true),
            ("127.0.0.1/32", "127.0.0.2", false),
            ("127.0.0.1", "127.0.0.1", true),
            ("10.0.0.0/8", "10.200.3.4", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("192.168.1.128/25", "192.168.1.200", true),
            ("192.168.1.128/25", "192.168.1.127", false),
            ("0.0.0.0/0", "8.8.8.8", true),
            ("127.0.0.1/32", "::ffff:127.0.0.1", true),
            ("::1/128", "::1", true),
            ("::1", "::2", false),
            ("fd00::/8", "fd12:3456::1", true),
            ("fd00::/8", "fe80::1", false),
            ("2001:db8::/32", "2001:db8:0:0:0:0:0:7", true),
            ("2001:db8::/32", "[2001:db8::7]", true),
            ("10.0.0.0/8", "not an address", false),
            ("10.0.0.0/8", "::1", false),
        ]
        for (network, address, inside) in rows {
            let cidr = try #require(CIDR(network), "\(network)")
            #expect(cidr.contains(address) == inside, "\(network) ∋ \(address)")
        }
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "256.0.0.1", "1.2.3.4/-1", "::1/129", "1:::2", "a::b::c", "x/8"] {
            #expect(CIDR(bad) == nil, "\(bad)")
        }
    }

    @Test func theHeaderCountsOnlyFromATrustedProxy() throws {
        let login = ProxyLogin(trusted: [try #require(CIDR("127.0.0.2/32"))], header: "Remote-User", createAs: .viewer)
        #expect(login.claim(header: "alice", from: "127.0.0.2") == .user("alice"))
        #expect(login.claim(header: " alice ", from: "127.0.0.2") == .user("alice"))
        #expect(login.claim(header: "alice", from: "127.0.0.1") == .untrusted(address: "127.0.0.1"))
        #expect(login.claim(header: "alice", from: nil) == .untrusted(address: "unknown"))
        #expect(login.claim(header: nil, from: "127.0.0.2") == ProxyLogin.Claim.none)
        #expect(login.claim(header: "  ", from: "127.0.0.1") == ProxyLogin.Claim.none)
    }
}
