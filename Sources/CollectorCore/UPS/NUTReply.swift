import Foundation

/// One line a NUT server (upsd) sends, parsed as NUT's network protocol documents it: words separated by
/// spaces, multi-word values in double quotes, `\"` and `\\` escaped inside them.
public enum NUTReply: Sendable, Equatable {
    case ok
    /// `VAR <ups> <name> "<value>"`, the answer to `GET VAR` and each item of `LIST VAR`.
    case variable(ups: String, name: String, value: String)
    /// `ERR <CODE> [extra]`: e.g. ACCESS-DENIED, UNKNOWN-UPS, VAR-NOT-SUPPORTED, DATA-STALE, DRIVER-NOT-CONNECTED.
    case error(String)
    /// `BEGIN LIST VAR <ups>` and `END LIST VAR <ups>`.
    case beginList(ups: String)
    case endList(ups: String)

    /// Why a line could not be read as a reply.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public var line: String
        public var description: String { "unexpected reply from the NUT server: \(line.prefix(120))" }
    }

    public static func parse(_ line: String) throws -> NUTReply {
        guard let fields = words(line) else { throw Malformed(line: line) }
        switch (fields.first, fields.count) {
        case ("OK", _): return .ok
        case ("ERR", 2...): return .error(fields[1])
        case ("VAR", 4): return .variable(ups: fields[1], name: fields[2], value: fields[3])
        case ("BEGIN", 4) where fields[1] == "LIST" && fields[2] == "VAR": return .beginList(ups: fields[3])
        case ("END", 4) where fields[1] == "LIST" && fields[2] == "VAR": return .endList(ups: fields[3])
        default: throw Malformed(line: line)
        }
    }

    /// Splits a line into words, unquoting and unescaping; nil for an unterminated quote or a dangling escape.
    public static func words(_ line: String) -> [String]? {
        var out: [String] = []
        var word = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for char in line {
            if escaped {
                word.append(char)
                escaped = false
            } else if char == "\\" {
                escaped = true
                inWord = true
            } else if char == "\"" {
                if quoted {
                    out.append(word)
                    word = ""
                    inWord = false
                }
                quoted.toggle()
                if quoted && inWord { return nil } // a quote inside a bare word
            } else if char == " " && !quoted {
                if inWord {
                    out.append(word)
                    word = ""
                    inWord = false
                }
            } else {
                word.append(char)
                inWord = true
            }
        }
        if quoted || escaped { return nil }
        if inWord { out.append(word) }
        return out
    }

    /// A word as a request argument: quoted and escaped when it holds a space, a quote or a backslash.
    public static func quote(_ word: String) -> String {
        guard word.isEmpty || word.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" }) else { return word }
        let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}
