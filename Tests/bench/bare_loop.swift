// The Swift runtime's own share of the agent's memory (issue 33), built by agent_footprint.py with swiftc,
// once with the Swift runtime as shared libraries and once linked in (-static-stdlib): a loop that only sleeps.
// It uses the standard library (a counter turned into a String each second) so that its runtime is loaded and
// touched as in any Swift program, and nothing else: no Foundation, no libcurl. Stops on SIGTERM.
//
// usage: bare_loop
#if canImport(Glibc)
    import Glibc
#endif

signal(SIGTERM, SIG_DFL)
var ticks = 0
var last = ""
while true {
    sleep(1)
    ticks += 1
    last = "tick \(ticks)"
    if last.isEmpty { print(last) }
}
