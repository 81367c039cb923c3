import ArgumentParser
import CollectorCore
import DowntimeProtocol

extension User {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users with their role.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (builtIn, users) = try await cli {
                let users = try await options.users()
                return (users.hasBuiltInAdmin, try await users.list())
            }
            if builtIn { print("admin\tadmin\tbuilt in (DOWNTIME_ADMIN_PASSWORD_HASH)") }
            for user in users {
                print("\(user.name)\t\(user.role.rawValue)\tadded \(WireTime.format(user.createdAt))")
            }
        }
    }
}
