/// A check's `option=value` settings, typed; nil is "not given" (the default applies).
public struct CheckOptions: Sendable, Equatable {
    /// Seconds between the starts of two runs; nil: the heartbeat interval.
    public var every: Double?
    /// Seconds one run may take; nil: `every`, at most 10 s.
    public var timeout: Double?
    /// `http`: the one status that is ok (else any 2xx or 3xx).
    public var status: Int?
    /// `http`: text the answer's body must contain.
    public var contains: String?
    /// `container`: the Docker Engine API's unix socket.
    public var socket: String?
    /// `systemd`: seconds a unit may be activating before it is failing; nil: `defaultActivating`.
    public var activating: Double?
    /// Consecutive failing runs before the check is failing (flap damping on the device).
    public var fails = 1
    /// False: the collector sends no message when this check fails or recovers.
    public var notify = true

    public init(
        every: Double? = nil, timeout: Double? = nil, status: Int? = nil, contains: String? = nil,
        socket: String? = nil, activating: Double? = nil, fails: Int = 1, notify: Bool = true
    ) {
        self.every = every
        self.timeout = timeout
        self.status = status
        self.contains = contains
        self.socket = socket
        self.activating = activating
        self.fails = fails
        self.notify = notify
    }

    /// Docker's own default (on current systems /var/run is /run).
    public static let defaultSocket = "/var/run/docker.sock"
    /// systemd's own default start timeout.
    public static let defaultActivating = 90.0
    static let maxTimeout = 10.0
}
