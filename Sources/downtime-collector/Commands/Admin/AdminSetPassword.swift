import ArgumentParser
import CollectorCore

extension Admin {
    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Read a new admin password twice from standard input; print the config line with its hash.")

        func run() async throws {
            let (first, second) = PasswordInput.twice("admin password")
            let password = try await cli {
                do { return try AdminPassword.confirmed(first, second) } catch {
                    throw CLIError(message: "\(error)", exitCode: 2)
                }
            }
            print("DOWNTIME_ADMIN_PASSWORD_HASH=\(AdminPassword.hash(password))")
        }
    }
}
