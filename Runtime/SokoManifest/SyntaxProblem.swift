/// Why a piece of manifest text (a route, a cron expression, a schedule) was refused.
///
/// The text parsers throw it with a message that says what was expected; the manifest parser
/// wraps it into a ``ManifestError`` that adds the file and the key.
struct SyntaxProblem: Error, Equatable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// Character classes shared by the text parsers; ASCII only, so that "é" or "٣" never pass.
enum ManifestCharacters {
    static func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }
    static func isLower(_ c: Character) -> Bool { ("a"..."z").contains(c) }
    static func isUpper(_ c: Character) -> Bool { ("A"..."Z").contains(c) }
    static func isLetter(_ c: Character) -> Bool { isLower(c) || isUpper(c) }

    /// An environment variable's name: `[A-Z][A-Z0-9_]*`.
    static func isVariableName(_ s: String) -> Bool {
        s.first.map(isUpper) == true && s.allSatisfy { isUpper($0) || isDigit($0) || $0 == "_" }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*` when `leadingUnderscore`, else `[a-zA-Z][a-zA-Z0-9_]*`.
    static func isIdentifier<S: StringProtocol>(_ s: S, leadingUnderscore: Bool) -> Bool {
        guard let first = s.first, isLetter(first) || (leadingUnderscore && first == "_") else { return false }
        return s.allSatisfy { isLetter($0) || isDigit($0) || $0 == "_" }
    }

    /// A non-empty run of ASCII digits read as an `Int`; `nil` on anything else or on overflow.
    static func number<S: StringProtocol>(_ s: S) -> Int? {
        guard !s.isEmpty, s.allSatisfy(isDigit) else { return nil }
        return Int(s)
    }
}
