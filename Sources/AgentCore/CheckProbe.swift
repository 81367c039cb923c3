/// Runs one check; blocking, on the check's own thread, within the check's timeout. `SystemProbe` in
/// production; the seam where a test could stand in for the system.
public protocol CheckProbe: Sendable {
    func run(_ spec: CheckSpec) -> CheckRun
}
