/// A refusal of the CLI's own (not a configuration or admin error): its message and exit code.
struct CLIError: Error {
    var message: String
    var exitCode: Int32

    /// Something named that does not exist: exit code 3, like a missing device.
    static func notFound(_ message: String) -> CLIError { CLIError(message: message, exitCode: 3) }
}
