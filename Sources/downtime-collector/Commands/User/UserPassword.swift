import ArgumentParser
import CollectorCore

extension User {
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (read twice from standard input); the user's sessions end.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (first, second) = PasswordInput.twice("password of \(name)")
            let done = try await cli {
                let password = try Users.newPassword(first, second)
                return try await options.users().setPassword(name, password: password)
            }
            print("New password for \(done); its sessions ended.")
        }
    }
}
