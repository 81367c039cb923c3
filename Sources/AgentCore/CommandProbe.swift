import Glibc

/// `command:/path`: the program run without a shell, in a process group of its own, stdin from /dev/null;
/// exit code 0 is ok; its output's first line is the detail. Past the timeout the whole group is killed
/// (a script's children too) and the run is failing.
enum CommandProbe {
    static let outputLimit = 4096

    static func run(path: String, timeout: Double) -> CheckRun {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return .unknown("pipe: \(String(cString: strerror(errno)))") }
        // pipe2 is not in Glibc's Swift module: close-on-exec at once, so no other check's program inherits it.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        switch spawn(path, output: fds[1]) {
        case .success(let child): pid = child
        case .failure(let code):
            close(fds[0])
            close(fds[1])
            return .unknown("cannot run \(path): \(String(cString: strerror(code.rawValue)))")
        }
        close(fds[1])
        defer { close(fds[0]) }
        let deadline = Monotonic.now() + timeout
        let output = read(fds[0], until: deadline)
        guard let status = wait(pid, until: deadline) else {
            kill(-pid, SIGKILL)
            var ignored: Int32 = 0
            while waitpid(pid, &ignored, 0) < 0, errno == EINTR {}
            return .failing("timed out after \(seconds(timeout))" + (output.isEmpty ? "" : ": " + output))
        }
        // The group may still hold children the program left behind: they go with it.
        kill(-pid, SIGKILL)
        return verdict(status, output)
    }

    struct Errno: Error { var rawValue: Int32 }

    /// Starts the program with the agent's blocked stop signals unblocked and at their defaults.
    private static func spawn(_ path: String, output: Int32) -> Result<pid_t, Errno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(
            &attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        defer { free(argv[0]) }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, environ)
        return rc == 0 ? .success(pid) : .failure(Errno(rawValue: rc))
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
        let text = String(decoding: kept, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).first.map { String($0).trimmedWhitespace } ?? ""
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

    private static func verdict(_ status: Int32, _ output: String) -> CheckRun {
        let signal = status & 0x7f
        let tail = output.isEmpty ? "" : ": " + output
        guard signal == 0 else { return .failing("killed by signal \(signal)" + tail) }
        let code = (status >> 8) & 0xff
        return code == 0 ? .ok(output.isEmpty ? "exit 0" : output) : .failing("exit \(code)" + tail)
    }

    static func seconds(_ value: Double) -> String {
        value.rounded() == value ? "\(Int(value)) s" : "\(value) s"
    }
}
