import Foundation

/// `--name value` options of a benchmark subcommand; a bad or unknown one ends the run with a clear line.
struct BenchArgs {
    private var values: [String: String] = [:]

    init(_ arguments: [String], known: Set<String>) {
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            guard a.hasPrefix("--"), known.contains(String(a.dropFirst(2))), i + 1 < arguments.count else {
                Self.fail("unexpected argument '\(a)' (known: \(known.sorted().map { "--" + $0 }.joined(separator: " ")), each with a value)")
            }
            values[String(a.dropFirst(2))] = arguments[i + 1]
            i += 2
        }
    }

    func string(_ name: String, _ fallback: String? = nil) -> String {
        guard let v = values[name] ?? fallback else { Self.fail("--\(name) is required") }
        return v
    }

    func int(_ name: String, _ fallback: Int) -> Int {
        guard let raw = values[name] else { return fallback }
        guard let v = Int(raw), v >= 0 else { Self.fail("--\(name) must be a whole number, not '\(raw)'") }
        return v
    }

    func double(_ name: String, _ fallback: Double) -> Double {
        guard let raw = values[name] else { return fallback }
        guard let v = Double(raw), v.isFinite, v >= 0 else { Self.fail("--\(name) must be a number, not '\(raw)'") }
        return v
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("downtime-bench: \(message)\n".utf8))
        exit(2)
    }
}

/// Name of the simulated device number `i`.
func benchDeviceName(_ i: Int) -> String { String(format: "device-%05d", i) }
