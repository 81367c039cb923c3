/// A typed HTML writer: tags and attribute names are enums, every string from data is escaped,
/// and raw markup can only come from compile-time constants.
public struct HTMLWriter {
    public enum Tag: String, Sendable {
        case html, head, body, title, style, script, noscript, main, header, footer, section, nav, div, span, p, a, h1, h2
        case table, thead, tbody, tr, th, td, form, label, code, small, strong, time, ul, li, details, summary
        case svg, rect, g
        case meta, input, br
        var isVoid: Bool { self == .meta || self == .input || self == .br }
    }

    public enum Attr: String, Sendable {
        case `class`, id, href, title, lang, charset, name, content, type, value, placeholder, datetime, role
        case method, action, autocomplete, httpEquiv = "http-equiv", ariaLabel = "aria-label", download
        case viewBox, width, height, x, y, fill, preserveAspectRatio
        case dataName = "data-name", dataTags = "data-tags", dataStatus = "data-status", dataLabel = "data-l"
        case dataRel = "data-rel"
    }

    public private(set) var html = ""

    public init(capacity: Int = 4096) {
        html.reserveCapacity(capacity)
    }

    /// Markup that is part of the program (doctype, CSS, script): never data.
    public mutating func raw(_ trusted: StaticString) {
        html += trusted.description
    }

    public mutating func text(_ s: String) {
        HTMLWriter.escape(s, into: &html)
    }

    public mutating func element(_ tag: Tag, _ attrs: [(Attr, String)] = [], _ body: (inout HTMLWriter) -> Void = { _ in }) {
        open(tag, attrs)
        if tag.isVoid { return }
        body(&self)
        html += "</"
        html += tag.rawValue
        html += ">"
    }

    public mutating func element(_ tag: Tag, _ attrs: [(Attr, String)] = [], text: String) {
        element(tag, attrs) { $0.text(text) }
    }

    private mutating func open(_ tag: Tag, _ attrs: [(Attr, String)]) {
        html += "<"
        html += tag.rawValue
        for (a, v) in attrs {
            html += " "
            html += a.rawValue
            html += "=\""
            HTMLWriter.escape(v, into: &html)
            html += "\""
        }
        html += ">"
    }

    static func escape(_ s: String, into out: inout String) {
        // Fast path: most strings (names, numbers, times) need no escaping.
        if !s.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) {
            out += s
            return
        }
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
    }
}

/// HTML escaping for a single string.
public enum HTML {
    public static func escape(_ s: String) -> String {
        var out = ""
        HTMLWriter.escape(s, into: &out)
        return out
    }
}
