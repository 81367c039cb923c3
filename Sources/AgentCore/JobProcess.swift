import DowntimeProtocol
import Glibc

/// Runs a job's command without a shell: stdin inherited, stdout and stderr together through a pipe, passed on to
/// the wrapper's stdout as they come (cron mails it) and their last 4 KB kept; SIGTERM and SIGINT sent to the
/// wrapper are passed on to the command. The duration is on the monotonic clock: a clock step does not change it.
enum JobProcess {
    /// How a run ended.
    struct Result: Equatable {
        var exitCode: Int?
        var signal: Int?
        var durationS: Double
        var output: OutputTail
        /// Why it failed when the exit code does not say (the command could not be started).
        var reason: String

        /// The wrapper's own exit code: the command's, 128+N when killed by signal N, as shells do.
        var wrapperExitCode: Int32 { Int32(signal.map { 128 + $0 } ?? exitCode ?? 1) }
    }

    /// - Parameters:
    ///   - passThrough: where the output goes as it comes (the wrapper's stdout); nil keeps it only.
    ///   - stopSignals: the blocked stop signals to pass on; nil when they are not blocked (tests).
    static func run(_ argv: [String], passThrough: Int32? = 1, stopSignals: Bool = true) -> Result {
        let started = Monotonic.now()
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return cannotStart(argv, errno, started) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        switch spawn(argv, output: fds[1]) {
        case .success(let child): pid = child
        case .failure(let code):
            close(fds[0])
            close(fds[1])
            return cannotStart(argv, code.rawValue, started)
        }
        close(fds[1])
        defer { close(fds[0]) }
        var pump = Pump(fd: fds[0], passThrough: passThrough)
        var status: Int32 = 0
        while true {
            pump.readOnce(timeoutMS: 100)
            if stopSignals { forwardStopSignals(to: pid) }
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid || (rc < 0 && errno != EINTR) { break }
        }
        let duration = Monotonic.now() - started
        // What it wrote just before it ended; a daemon it left behind holding the pipe is not waited for.
        pump.drain(until: Monotonic.now() + 1)
        let signal = status & 0x7f
        if signal != 0 {
            return Result(exitCode: nil, signal: Int(signal), durationS: duration, output: pump.tail, reason: "")
        }
        return Result(
            exitCode: Int((status >> 8) & 0xff), signal: nil, durationS: duration, output: pump.tail, reason: "")
    }

    /// A command that could not be started: 127 when it is not there, 126 when it cannot be run, as shells say.
    static func cannotStart(_ argv: [String], _ code: Int32, _ started: Double) -> Result {
        let program = Self.printable(argv.first ?? "")
        let (exit, reason): (Int, String) =
            switch code {
            case ENOENT, ENOTDIR: (127, "command not found: \(program)")
            case EACCES, EPERM, ENOEXEC, EISDIR: (126, "cannot run \(program): \(String(cString: strerror(code)))")
            default: (126, "cannot start \(program): \(String(cString: strerror(code)))")
            }
        return Result(
            exitCode: exit, signal: nil, durationS: Monotonic.now() - started, output: OutputTail(),
            reason: String(reason.unicodeScalars.prefix(JobEnd.maxReason)))
    }

    /// Control characters as `?`, so that the reason is printable on the wire.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }

    /// SIGTERM or SIGINT waiting for the wrapper goes to the command; not a terminal's ^C, which the kernel sent to
    /// the whole foreground group, the command with it.
    static func forwardStopSignals(to pid: pid_t) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        var none = timespec(tv_sec: 0, tv_nsec: 0)
        var info = siginfo_t()
        while true {
            let sig = sigtimedwait(&set, &info, &none)
            guard sig > 0 else { return }
            if Int(info.si_code) != Int(SI_KERNEL) { kill(pid, sig) }
        }
    }

    /// Starts the command (looked up in PATH), its signals at their defaults and unblocked.
    private static func spawn(_ argv: [String], output: Int32) -> Swift.Result<pid_t, ProgramRunner.Errno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        ProgramRunner.closeTheRest(&actions)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        ProgramRunner.resetSignals(&attr)
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for arg in args { free(arg) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, args, environ)
        return rc == 0 ? .success(pid) : .failure(ProgramRunner.Errno(rawValue: rc))
    }

    /// The pipe's reader: each chunk passed through and kept in the tail.
    struct Pump {
        let fd: Int32
        var passThrough: Int32?
        var tail = OutputTail()
        private var open = true
        private var chunk = [UInt8](repeating: 0, count: 16_384)

        init(fd: Int32, passThrough: Int32?) {
            self.fd = fd
            self.passThrough = passThrough
        }

        /// Reads what comes within `timeoutMS`; false once the pipe is at its end.
        @discardableResult
        mutating func readOnce(timeoutMS: Int32) -> Bool {
            guard open else {
                if timeoutMS > 0 { usleep(UInt32(timeoutMS) * 1000) }
                return false
            }
            let fd = self.fd
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, timeoutMS)
            guard ready > 0 else { return true }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR || errno == EAGAIN { return true }
            guard n > 0 else {
                open = false
                return false
            }
            tail.append(chunk[0..<n])
            if let out = passThrough, !Self.write(chunk[0..<n], to: out) {
                // Nobody reads the wrapper's output any more: the command's run still counts.
                passThrough = nil
            }
            return true
        }

        /// Reads what is there until the pipe's end, nothing more for 100 ms, or the deadline.
        mutating func drain(until deadline: Double) {
            while open, Monotonic.now() < deadline {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 100) > 0 else { return }
                readOnce(timeoutMS: 0)
            }
        }

        private static func write(_ bytes: ArraySlice<UInt8>, to fd: Int32) -> Bool {
            var offset = 0
            return bytes.withUnsafeBytes { raw in
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { return false }
                    offset += n
                }
                return true
            }
        }
    }
}
