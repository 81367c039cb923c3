import ArgumentParser
import CollectorCore
import CollectorRules

extension User {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read twice from standard input.")
        @Argument var name: String
        @Option(help: "admin (changes things) or viewer (sees everything, changes nothing).") var role: Role
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (first, second) = PasswordInput.twice("password of \(name)")
            let user = try await cli {
                let password = try Users.newPassword(first, second)
                return try await options.users().add(name, role: role, password: password)
            }
            print("Added user \(user.name) (\(user.role.rawValue)).")
        }
    }
}
