import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A new password read twice from standard input (a pipe works too); on a terminal, prompted and not echoed.
enum PasswordInput {
    static func twice(_ what: String) -> (String?, String?) {
        let terminal = isatty(STDIN_FILENO) == 1
        let first = read(prompt: terminal ? "New \(what): " : nil)
        let second = read(prompt: terminal ? "Again: " : nil)
        return (first, second)
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
