import SokoFunctions

/// A fragment of HTML whose interpolated text is escaped unless it is itself ``HTML``.
///
/// ```swift
/// let row: HTML = "<li>\(product.name) <a href=\"/p/\(product.id)\">View</a></li>"
/// ```
///
/// Escaping is the default so that a product called `<script>alert(1)</script>` shows as text:
/// only a value already typed `HTML` (built the same way, or ``HTML/raw(_:)`` for the page's own
/// constant markup) goes in unescaped.
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String

    public init(stringLiteral value: String) { text = value }

    public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    /// Markup taken as is: for constants of the page's own, never for data.
    public static func raw(_ markup: String) -> HTML {
        var html = HTML(stringLiteral: "")
        html.text = markup
        return html
    }

    public static let empty: HTML = ""

    public var description: String { text }

    /// The fragments one after the other.
    public static func join<S: Sequence>(_ parts: S) -> HTML where S.Element == HTML {
        .raw(parts.map(\.text).joined())
    }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }

        public mutating func appendLiteral(_ literal: String) { text += literal }

        /// Text: escaped for element content and quoted attribute values alike.
        public mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }

        public mutating func appendInterpolation(_ value: Int) { text += String(value) }

        public mutating func appendInterpolation(_ html: HTML) { text += html.text }

        public mutating func appendInterpolation(_ html: HTML?) { text += html?.text ?? "" }

        public mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { text += part.text } }
    }

    /// `&`, `<`, `>`, `"` and `'` as character references.
    public static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return value
        }
        var out = ""
        out.reserveCapacity(value.utf8.count + 16)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
