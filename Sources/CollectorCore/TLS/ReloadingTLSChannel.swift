import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// HTTP/1.1 behind TLS, each connection with the context `ServerTLS` holds when it is accepted
/// (Hummingbird's own `.tls` builder fixes one context for the server's life).
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let tls: ServerTLS

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = tls.context
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS from `tls`, reloadable while the server runs.
    static func reloadingTLS(_ configuration: HTTP1Channel.Configuration, tls: ServerTLS) -> HTTPServerBuilder {
        .init { responder in
            ReloadingTLSChannel(base: HTTP1Channel(responder: responder, configuration: configuration), tls: tls)
        }
    }
}
