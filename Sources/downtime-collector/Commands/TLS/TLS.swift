import ArgumentParser

/// `tls init`: a small private CA and a server certificate made with openssl, for people without a certificate.
struct TLS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls", abstract: "HTTPS certificates.",
        subcommands: [Init.self])
}
