/// Why a NUT server could not be read, in words for one log line.
public struct NUTFailure: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
