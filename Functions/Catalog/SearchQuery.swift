/// A shopper's search text made safe for the full-text engines: only runs of letters and digits
/// are kept (every FTS5 and tsquery operator, quote and bracket is dropped), each run becomes a
/// quoted prefix term, and all terms must match. So `"`, `*`, `NEAR(` or `a AND` can never be a
/// syntax error, and `AND` is just a word.
struct SearchQuery: Sendable, Equatable {
    static let maximumLength = 200
    static let maximumTerms = 16

    /// Lowercased words, at most ``maximumTerms``.
    let terms: [String]

    init(_ text: String) {
        var terms: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        self.terms = Array(terms.prefix(Self.maximumTerms))
    }

    /// An FTS5 MATCH expression: `"word"* "other"*`. With no terms it is a phrase that matches
    /// nothing (the text had no words), not an empty expression (a syntax error).
    var fts5: String {
        guard !terms.isEmpty else { return "\"\"" }
        return terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }.joined(separator: " ")
    }

    /// A `to_tsquery` text: `'word':* & 'other':*`. With no terms it is empty, which matches nothing.
    var tsquery: String {
        terms.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "':*" }.joined(separator: " & ")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
