/// Reads HTTP routes written as `METHOD /path/{param}`.
///
/// The method is one of ``methods`` in upper case. The path starts with `/`, has no query string
/// and no empty segment (no `//`, no trailing `/` except the root `/` itself); each segment is a
/// literal of `A-Z a-z 0-9 - . _ ~ : @` or a whole-segment parameter `{name}` whose name is an
/// identifier, and a parameter name appears at most once.
public enum HTTPRouteParser {
    /// The methods a route may use.
    public static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// Parses `text` as a route.
    /// - Returns: the route with its path split into segments, or `nil` when it is malformed.
    public static func parse(_ text: String) -> HTTPRoute? {
        try? check(text)
    }

    /// Like ``parse(_:)``, but says what is wrong.
    static func check(_ text: String) throws(SyntaxProblem) -> HTTPRoute {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2 else {
            throw SyntaxProblem("expected \"METHOD /path\", e.g. \"POST /items\"")
        }
        let method = String(words[0])
        let path = String(words[1])
        guard methods.contains(method) else {
            if methods.contains(method.uppercased()) {
                throw SyntaxProblem("method \"\(method)\" must be upper case (\(method.uppercased()))")
            }
            throw SyntaxProblem(
                "unknown method \"\(method)\" (expected one of: \(methods.joined(separator: ", ")))")
        }
        return HTTPRoute(method: method, path: path, segments: try segments(of: path))
    }

    /// Splits a path template into segments, checking each.
    static func segments(of path: String) throws(SyntaxProblem) -> [PathSegment] {
        guard path.first == "/" else { throw SyntaxProblem("path \"\(path)\" must start with \"/\"") }
        guard !path.contains("?") else {
            throw SyntaxProblem("path \"\(path)\" must not have a query string (\"?…\")")
        }
        if path == "/" { return [] }
        var segments: [PathSegment] = []
        var parameters = Set<String>()
        for text in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let segment = try self.segment(text, in: path)
            if case .parameter(let name) = segment, !parameters.insert(name).inserted {
                throw SyntaxProblem("path \"\(path)\" uses the parameter {\(name)} twice")
            }
            segments.append(segment)
        }
        return segments
    }

    private static func segment(_ text: Substring, in path: String) throws(SyntaxProblem) -> PathSegment {
        guard !text.isEmpty else {
            throw SyntaxProblem(
                "path \"\(path)\" has an empty segment (no \"//\" and no trailing \"/\")")
        }
        if text.first == "{" && text.last == "}" {
            let name = text.dropFirst().dropLast()
            guard ManifestCharacters.isIdentifier(name, leadingUnderscore: true) else {
                throw SyntaxProblem(
                    "parameter \"\(text)\" must be {name} with letters, digits and _, not starting with a digit")
            }
            return .parameter(String(name))
        }
        if text.contains("{") || text.contains("}") {
            throw SyntaxProblem(
                "segment \"\(text)\" mixes text and a parameter; a parameter is a whole segment like {id}")
        }
        guard text != "." && text != ".." else {
            throw SyntaxProblem("path \"\(path)\" has a \"\(text)\" segment; write the path out in full")
        }
        guard text.allSatisfy(isLiteralCharacter) else {
            throw SyntaxProblem(
                "segment \"\(text)\" has a character that is not allowed (letters, digits, - . _ ~ : @)")
        }
        return .literal(String(text))
    }

    private static func isLiteralCharacter(_ c: Character) -> Bool {
        ManifestCharacters.isLetter(c) || ManifestCharacters.isDigit(c) || "-._~:@".contains(c)
    }
}
