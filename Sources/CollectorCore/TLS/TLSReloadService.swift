import Logging
import ServiceLifecycle
import UnixSignals

/// Picks up a renewed certificate without a restart: at once on SIGHUP, and within `poll` of the files changing.
public struct TLSReloadService: Service {
    public let tls: ServerTLS
    let logger: Logger
    let hangups: UnixSignalsSequence
    let poll: Duration

    /// Traps SIGHUP now, before the server listens: its default action would end the process.
    public init(tls: ServerTLS, logger: Logger, poll: Duration = .seconds(2)) async {
        self.tls = tls
        self.logger = logger
        self.poll = poll
        hangups = await UnixSignalsSequence(trapping: .sighup)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups { apply(tls.reload(force: true), why: "SIGHUP") }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: poll)
                        apply(tls.reload(force: false), why: "the files changed")
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func apply(_ result: ServerTLS.ReloadResult, why: String) {
        switch result {
        case .unchanged: break
        case .reloaded(let notAfter):
            logger.notice("TLS certificate reloaded (\(why)): \(tls.certFile), valid until \(notAfter)")
        case .failed(let message):
            logger.error("TLS certificate not reloaded (\(why)), still serving the previous one: \(message)")
        }
    }
}
