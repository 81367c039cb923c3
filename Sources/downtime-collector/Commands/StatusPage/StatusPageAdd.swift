import ArgumentParser
import CollectorCore
import CollectorRules

extension StatusPage {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a public status page; with --password, its password is read twice from standard input.")
        @Argument(help: "The page's name: /status/NAME.") var name: String
        @Option(help: "The page's heading.") var title: String
        @Option(help: "Which devices: site:NAME, tag:NAME or device:NAME,NAME.") var select: String
        @Flag(help: "Ask visitors for a password (read twice from standard input).") var password = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let entered = password ? PasswordInput.twice("password of status page \(name)") : nil
            let page = try await cli {
                let secret = try entered.map { try Users.newPassword($0.0, $0.1) }
                return try await options.statusPages().add(name, title: title, select: select, password: secret)
            }
            print(
                "Added status page \(page.name) (\(page.selector.text)\(page.passwordHash == nil ? "" : ", password")) "
                    + "at /status/\(page.name).")
        }
    }
}
