import SokoManifest
import Testing

/// One manifest the parser must refuse, with where and what the error must say.
struct ManifestErrorCase: Sendable, CustomTestStringConvertible {
    let yaml: String
    let key: String
    /// A word (or phrase) the message must contain.
    let word: String

    var testDescription: String { "\(key.isEmpty ? "<file>" : key): \(word)" }

    init(_ yaml: String, key: String, word: String) {
        self.yaml = yaml
        self.key = key
        self.word = word
    }

    /// A `cart` manifest whose single function `addToCart` has `body` (lines of `key: value`).
    static func function(_ body: String, key: String, word: String) -> ManifestErrorCase {
        let indented = body.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
        return ManifestErrorCase("service: cart\nfunctions:\n  addToCart:\n\(indented)\n", key: key, word: word)
    }

    /// `function` with an HTTP trigger already in place.
    static func http(_ body: String, key: String, word: String) -> ManifestErrorCase {
        function("http: POST /cart/items\n\(body)", key: key, word: word)
    }
}

/// Parses `yaml` and returns the error it must raise, recording an issue if it parses.
func manifestError(_ yaml: String, file: String = "cart.yaml") -> ManifestError? {
    do {
        let manifest = try ManifestParser.parse(yaml: yaml, file: file)
        Issue.record("accepted: \(manifest)")
        return nil
    } catch {
        return error
    }
}
