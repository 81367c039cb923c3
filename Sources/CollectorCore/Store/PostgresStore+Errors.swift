import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

extension PostgresStore {
    /// A database error in words: PostgresNIO hides details from `description` on purpose.
    static func describe(_ error: any Error) -> String {
        if let e = error as? PostgresTransactionError {
            return describe(e.closureError ?? e.commitError ?? e.beginError ?? e.rollbackError ?? error)
        }
        guard let e = error as? PSQLError else { return describeTransport(error) }
        if e.code == .sslUnsupported { return "the server does not offer TLS, which the URL's sslmode requires" }
        if let message = e.serverInfo?[.message] { return message }
        if let underlying = e.underlying {
            // NIOSSL's errors name BoringSSL's internals; say what to check instead.
            let text = "\(underlying)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return
                    "TLS: the server's certificate is not signed by a trusted CA (is sslrootcert the CA that signed it?)"
            }
            if text.contains("failedToValidateHostname") {
                return "TLS: the server's certificate does not name the URL's host (sslmode=verify-full)"
            }
            return underlying is NIOSSLError || e.code == .failedToAddSSLHandler
                ? "TLS failed: \(text)" : describeTransport(underlying)
        }
        return e.code.description
    }

    /// The errno text of a failed connection ("Connection refused"), not NIO's nested error dump.
    static func describeTransport(_ error: any Error) -> String {
        if let c = error as? NIOConnectionError {
            if c.dnsAError != nil || c.dnsAAAAError != nil { return "cannot resolve the host name \(c.host)" }
            if let first = c.connectionErrors.first { return describeTransport(first.error) }
        }
        if let io = error as? IOError {
            let why = FileProblem.text(io.errnoCode)
            return io.errnoCode == ECONNREFUSED ? "\(why): is PostgreSQL running and listening there?" : why
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return "no answer within the connect timeout: is the host up and the port open?"
        }
        return "\(error)"
    }
}
