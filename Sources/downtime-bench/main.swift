import Foundation

// `make bench` and `make bench-long` run these; each prints `bench:` summary lines.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first ?? "page" {
case "page": try await PageBenchmark.run()
case "seed": try await Seed.run(Array(arguments.dropFirst()))
case "fleet": try await FleetSimulator.run(Array(arguments.dropFirst()))
case "heartbeat-bodies": try HeartbeatBodies.run()
case "floor-server": try await FloorServer.run(Array(arguments.dropFirst()))
default:
    BenchArgs.fail(
        "usage: downtime-bench page | seed --data-dir D [--devices N] --tokens F [--history-days D] | fleet --url U --data-dir D --tokens F [...] | heartbeat-bodies | floor-server [--host H] [--port N]"
    )
}
