import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The state file in the state folder, written atomically.
public struct StateFile: Sendable {
    public let path: String
    let fs: any FileSystem

    public init(path: String, fs: any FileSystem = PosixFileSystem()) {
        self.path = path
        self.fs = fs
    }

    public func load() -> StateLoad {
        let bytes: [UInt8]
        do {
            guard let read = try fs.read(path) else { return .missing }
            bytes = read
        } catch {
            return .unreadable(reason: error.description)
        }
        return Self.decode(bytes)
    }

    public func save(_ state: AgentState) throws(FileError) {
        try fs.writeAtomically(Self.encode(state), to: path, mode: 0o644)
    }

    static func decode(_ bytes: [UInt8]) -> StateLoad {
        if bytes.isEmpty { return .unreadable(reason: "the file is empty") }
        do {
            return .loaded(try JSONDecoder().decode(AgentState.self, from: Data(bytes)))
        } catch let DecodingError.keyNotFound(key, _) {
            return .unreadable(reason: "\(key.stringValue) is missing")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            return .unreadable(reason: "\(ctx.codingPath.last?.stringValue ?? "a value") has the wrong type")
        } catch let DecodingError.dataCorrupted(ctx) {
            let key = ctx.codingPath.last?.stringValue
            return .unreadable(reason: key.map { "\($0) is invalid" } ?? "not valid JSON (truncated or garbage)")
        } catch {
            return .unreadable(reason: "not valid JSON")
        }
    }

    static func encode(_ state: AgentState) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings, numbers and bools cannot fail.
        return Array((try? encoder.encode(state)) ?? Data()) + [10]
    }
}
