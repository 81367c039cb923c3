import ArgumentParser
import CollectorCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Admin {
    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Read a new admin password twice from standard input; print the config line with its hash.")

        func run() async throws {
            let terminal = isatty(STDIN_FILENO) == 1
            let first = Self.read(prompt: terminal ? "New admin password: " : nil)
            let second = Self.read(prompt: terminal ? "Again: " : nil)
            let password = try await cli {
                do { return try AdminPassword.confirmed(first, second) } catch {
                    throw CLIError(message: "\(error)", exitCode: 2)
                }
            }
            print("DOWNTIME_ADMIN_PASSWORD_HASH=\(AdminPassword.hash(password))")
        }

        /// One line of standard input; on a terminal, prompted on stderr and not echoed.
        static func read(prompt: String?) -> String? {
            guard let prompt else { return readLine(strippingNewline: true) }
            FileHandle.standardError.write(Data(prompt.utf8))
            var saved = termios()
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
            defer {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            return readLine(strippingNewline: true)
        }
    }
}
