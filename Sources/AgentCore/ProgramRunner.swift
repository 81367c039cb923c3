import Glibc

/// Runs a program without a shell, in a process group of its own, stdin from /dev/null, its output (stdout
/// and stderr together) kept up to a limit; past the timeout the whole group is killed (its children too).
/// `command` checks run scripts through it, `systemd` checks run `systemctl`.
enum ProgramRunner {
    static let outputLimit = 4096

    enum Outcome: Equatable {
        /// The program could not be started: errno's words.
        case cannotStart(String)
        /// Killed at the deadline, with what it wrote until then.
        case timedOut(output: String)
        /// Ended with `status` (a waitpid status).
        case finished(status: Int32, output: String)
    }

    /// - Parameter environment: `KEY=VALUE` lines for the program; nil: the agent's own.
    static func run(_ argv: [String], environment: [String]? = nil, timeout: Double) -> Outcome {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return .cannotStart("pipe: \(String(cString: strerror(errno)))") }
        // pipe2 is not in Glibc's Swift module: close-on-exec at once, so no other check's program inherits it.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        switch spawn(argv, environment: environment, output: fds[1]) {
        case .success(let child): pid = child
        case .failure(let code):
            close(fds[0])
            close(fds[1])
            return .cannotStart(String(cString: strerror(code.rawValue)))
        }
        close(fds[1])
        defer { close(fds[0]) }
        let deadline = Monotonic.now() + timeout
        let output = read(fds[0], until: deadline)
        guard let status = wait(pid, until: deadline) else {
            kill(-pid, SIGKILL)
            var ignored: Int32 = 0
            while waitpid(pid, &ignored, 0) < 0, errno == EINTR {}
            return .timedOut(output: output)
        }
        // The group may still hold children the program left behind: they go with it.
        kill(-pid, SIGKILL)
        return .finished(status: status, output: output)
    }

    struct Errno: Error { var rawValue: Int32 }

    /// Starts the program with the agent's blocked stop signals unblocked and at their defaults.
    private static func spawn(_ argv: [String], environment: [String]?, output: Int32) -> Result<pid_t, Errno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        closeTheRest(&actions)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setpgroup(&attr, 0)
        resetSignals(&attr, flags: Int16(POSIX_SPAWN_SETPGROUP))
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for arg in args { free(arg) } }
        let env: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer { for line in env ?? [] { free(line) } }
        var pid: pid_t = 0
        let rc =
            if let env { posix_spawn(&pid, argv[0], &actions, &attr, args, env) } else {
                posix_spawn(&pid, argv[0], &actions, &attr, args, environ)
            }
        return rc == 0 ? .success(pid) : .failure(Errno(rawValue: rc))
    }

    /// The child's signals: none blocked, the agent's stop signals, SIGPIPE and SIGCHLD at their defaults (an
    /// ignored signal would stay ignored through exec).
    static func resetSignals(_ attr: inout posix_spawnattr_t, flags: Int16 = 0) {
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | flags)
    }

    /// Closes every descriptor above stderr in the child: the agent's own (sockets, libcurl's, another check's
    /// pipe) are not the program's, and a daemon the program leaves behind would hold them for ever. glibc 2.34's
    /// `posix_spawn_file_actions_addclosefrom_np`, looked up at run time (Swift's Glibc module does not show it; an
    /// older glibc keeps the inherited descriptors, as before).
    static func closeTheRest(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    /// The output up to its end or the deadline, at most `outputLimit` bytes kept (the rest is drained).
    private static func read(_ fd: Int32, until deadline: Double) -> String {
        var kept: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - Monotonic.now()
            guard left > 0 else { break }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(left, 3_600) * 1000) + 1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { break }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            if kept.count < outputLimit { kept.append(contentsOf: chunk[0..<min(n, outputLimit - kept.count)]) }
        }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The wait status once the program ended, or nil at the deadline.
    private static func wait(_ pid: pid_t, until deadline: Double) -> Int32? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return status }
            if rc < 0, errno != EINTR { return 0 }
            guard Monotonic.now() < deadline else { return nil }
            usleep(10_000)
        }
    }

    /// The first non-blank line, trimmed.
    static func firstLine(_ output: String) -> String {
        output.split(whereSeparator: \.isNewline).lazy.map { String($0).trimmedWhitespace }.first { !$0.isEmpty } ?? ""
    }
}
