import Foundation

/// Runs openssl to make (or renew) the CA and the server certificate; keys never leave the folder.
public struct CertificateMaker {
    public let dir: String

    public init(dir: String) { self.dir = dir }

    public struct Made: Sendable {
        public var caFile: String
        public var cert: String
        public var key: String
        /// `sha256//BASE64` of the server's public key, as curl's --pinnedpubkey takes it.
        public var pin: String
    }

    public func make(hosts: [String], ips: [String], days: Int) throws -> Made {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let ca = path("ca.pem")
        let caKey = path("ca.key")
        let key = path("server.key")
        let cert = path("server.pem")
        let cn = hosts.first ?? ips[0]
        if !fm.fileExists(atPath: ca) || !fm.fileExists(atPath: caKey) {
            try openssl([
                "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", caKey, "-out", ca, "-days", "3650", "-subj", "/CN=DowntimeMon CA \(cn)",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        }
        if !fm.fileExists(atPath: key) {
            try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
        }
        let sans = (hosts.map { "DNS:\($0)" } + ips.map { "IP:\($0)" }).joined(separator: ",")
        let ext = path("server.ext")
        let csr = path("server.csr")
        let leaf = path("server.leaf.pem")
        try Data(
            """
            subjectAltName=\(sans)
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth

            """.utf8
        ).write(to: URL(fileURLWithPath: ext))
        defer { for file in [ext, csr, leaf] { try? fm.removeItem(atPath: file) } }
        try openssl(["req", "-new", "-key", key, "-subj", "/CN=\(cn)", "-out", csr])
        try openssl([
            "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-set_serial", "0x" + Self.serial(),
            "-days", "\(days)", "-extfile", ext, "-out", leaf,
        ])
        // The chain agents are sent: the server certificate, then the CA that signed it.
        let chain = try Data(contentsOf: URL(fileURLWithPath: leaf)) + Data(contentsOf: URL(fileURLWithPath: ca))
        // Replaced in one step: a collector reloading it never reads half a file.
        try chain.write(to: URL(fileURLWithPath: cert + ".new"))
        guard rename(cert + ".new", cert) == 0 else {
            throw ConfigError(key: "tls init", message: "cannot replace \(cert): \(FileProblem.text(errno))")
        }
        for file in [caKey, key] { try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file) }
        return Made(caFile: ca, cert: cert, key: key, pin: try Self.pin(ofKey: key))
    }

    func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    static func serial() -> String { (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...127)) }.joined() }

    /// The pin of a private key's public half: SHA-256 of its DER SubjectPublicKeyInfo, base64.
    public static func pin(ofKey key: String) throws -> String {
        let der = try runOpenSSL(["pkey", "-in", key, "-pubout", "-outform", "DER"])
        let digest = try runOpenSSL(["dgst", "-sha256", "-binary"], input: der)
        return "sha256//" + digest.base64EncodedString()
    }

    func openssl(_ args: [String]) throws { _ = try Self.runOpenSSL(args) }

    @discardableResult
    static func runOpenSSL(_ args: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + args
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        do { try process.run() } catch { throw ConfigError(key: "tls init", message: "cannot run openssl: \(error)") }
        if let input { inp.fileHandleForWriting.write(input) }
        try? inp.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errorOutput = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let why = String(decoding: errorOutput, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            throw ConfigError(
                key: "tls init", message: "openssl \(args.first ?? "") failed (is openssl installed?): \(why)")
        }
        return output
    }
}
