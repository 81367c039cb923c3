import Foundation

/// `--name value` options of a benchmark subcommand; a bad or unknown one ends the run with a clear line.
struct BenchArgs {
    private var values: [String: String] = [:]

    init(_ arguments: [String], known: Set<String>) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), known.contains(String(argument.dropFirst(2))),
                index + 1 < arguments.count
            else {
                Self.fail(
                    "unexpected argument '\(argument)' (known: "
                        + "\(known.sorted().map { "--" + $0 }.joined(separator: " ")), each with a value)")
            }
            values[String(argument.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    func string(_ name: String, _ fallback: String? = nil) -> String {
        guard let value = values[name] ?? fallback else { Self.fail("--\(name) is required") }
        return value
    }

    func int(_ name: String, _ fallback: Int) -> Int {
        guard let raw = values[name] else { return fallback }
        guard let value = Int(raw), value >= 0 else { Self.fail("--\(name) must be a whole number, not '\(raw)'") }
        return value
    }

    func double(_ name: String, _ fallback: Double) -> Double {
        guard let raw = values[name] else { return fallback }
        guard let value = Double(raw), value.isFinite, value >= 0 else {
            Self.fail("--\(name) must be a number, not '\(raw)'")
        }
        return value
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("downtime-bench: \(message)\n".utf8))
        exit(2)
    }
}

/// Name of the simulated device number `i`.
func benchDeviceName(_ i: Int) -> String { String(format: "device-%05d", i) }
