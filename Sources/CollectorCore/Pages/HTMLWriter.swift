/// A typed HTML writer: tags and attribute names are enums, every string from data is escaped,
/// and raw markup can only come from compile-time constants. Writes UTF-8 bytes (fast for 10,000 rows).
public struct HTMLWriter {
    public enum Tag: String, Sendable {
        case html, head, body, title, style, script, noscript, main, header, footer, section, nav, div, span, p, a, h1,
            h2
        case table, thead, tbody, tr, th, td, form, label, code, small, strong, time, ul, li, details, summary, pre
        case svg, rect, g, text, i, ol, dl, dt, dd, select, option
        case meta, input, br
        var isVoid: Bool { self == .meta || self == .input || self == .br }
    }

    public enum Attr: String, Sendable {
        case `class`, id, href, title, lang, charset, name, content, type, value, placeholder, datetime, role
        case method, action, autocomplete
        case httpEquiv = "http-equiv"
        case ariaLabel = "aria-label"
        case download
        case xmlns, viewBox, width, height, x, y, fill, preserveAspectRatio
        case fontFamily = "font-family"
        case fontSize = "font-size"
        case textAnchor = "text-anchor"
        case dataName = "data-name"
        case dataTags = "data-tags"
        case dataStatus = "data-status"
        case dataRel = "data-rel"
        case dataComplete = "data-complete"
        case dataFeed = "data-feed"
        case dataStream = "data-stream"
        case rel, scope
        case tabindex, style
        case dataDay = "data-day"
        case dataHour = "data-hour"
    }

    public private(set) var bytes: [UInt8] = []

    public var html: String { String(decoding: bytes, as: UTF8.self) }

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    /// Markup that is part of the program (doctype, CSS, script): never data.
    public mutating func raw(_ trusted: StaticString) {
        trusted.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func text(_ s: String) {
        HTMLWriter.escape(s, into: &bytes)
    }

    public mutating func element(
        _ tag: Tag, _ attrs: [(Attr, String)] = [], _ body: (inout HTMLWriter) -> Void = { _ in }
    ) {
        open(tag, attrs)
        if tag.isVoid { return }
        body(&self)
        bytes.append(60) // <
        bytes.append(47) // /
        bytes.append(contentsOf: tag.rawValue.utf8)
        bytes.append(62) // >
    }

    public mutating func element(_ tag: Tag, _ attrs: [(Attr, String)] = [], text: String) {
        element(tag, attrs) { $0.text(text) }
    }

    private mutating func open(_ tag: Tag, _ attrs: [(Attr, String)]) {
        bytes.append(60)
        bytes.append(contentsOf: tag.rawValue.utf8)
        for (a, v) in attrs {
            bytes.append(32)
            bytes.append(contentsOf: a.rawValue.utf8)
            bytes.append(61) // =
            bytes.append(34) // "
            HTMLWriter.escape(v, into: &bytes)
            bytes.append(34)
        }
        bytes.append(62)
    }

    static func escape(_ s: String, into out: inout [UInt8]) {
        for c in s.utf8 {
            switch c {
            case 38: out.append(contentsOf: "&amp;".utf8)
            case 60: out.append(contentsOf: "&lt;".utf8)
            case 62: out.append(contentsOf: "&gt;".utf8)
            case 34: out.append(contentsOf: "&quot;".utf8)
            case 39: out.append(contentsOf: "&#39;".utf8)
            default: out.append(c)
            }
        }
    }
}
