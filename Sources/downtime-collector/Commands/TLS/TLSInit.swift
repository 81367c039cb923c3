import ArgumentParser
import CollectorCore
import Foundation

extension TLS {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a private CA and a server certificate in DATA_DIR/tls; print what agents need.",
            discussion: "Run it again to renew: the CA and the server key are kept, so agents' CA file and pin stay "
                + "valid; then send the collector SIGHUP (it also notices the new files within seconds).")
        @Option(help: "A DNS name agents use to reach the collector (repeatable).") var host: [String] = []
        @Option(help: "An IP address agents use to reach the collector (repeatable).") var ip: [String] = []
        @Option(help: "Days the server certificate is valid (1 to 825).") var days = 825
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli {
                guard !host.isEmpty || !ip.isEmpty else {
                    throw ConfigError(key: "tls init", message: "give at least one --host NAME or --ip ADDRESS")
                }
                guard (1...825).contains(days) else {
                    throw ConfigError(key: "--days", message: "must be from 1 to 825")
                }
                for name in host
                where !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) {
                    throw ConfigError(key: "--host", message: "\(name) is not a DNS name")
                }
                for address in ip where !Self.isIPAddress(address) {
                    throw ConfigError(key: "--ip", message: "\(address) is not an IPv4 or IPv6 address")
                }
                let dir = (try options.resolve().dataDir as NSString).appendingPathComponent("tls")
                let made = try CertificateMaker(dir: dir).make(hosts: host, ips: ip, days: days)
                print(
                    """
                    Certificate for \((host + ip).joined(separator: ", ")) in \(dir):
                      server certificate: \(made.cert)
                      server key:         \(made.key)
                    Start the collector with:
                      --tls-cert \(made.cert) --tls-key \(made.key)
                    Copy to each agent the CA file, or give it the pin (or both):
                      CA file:    \(made.caFile)
                      SHA-256 pin: \(made.pin)
                    e.g. downtime-agent --collector https://\(host.first ?? ip[0]):8899 --ca-file /etc/downtime-agent/ca.pem \\
                         --pin-sha256 '\(made.pin)'
                    """)
            }
        }

        static func isIPAddress(_ text: String) -> Bool {
            var v4 = in_addr()
            var v6 = in6_addr()
            return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
        }
    }
}
