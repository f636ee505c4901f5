import Foundation
import SokoManifest
import Testing

/// `Runtime/` serves any set of bundles, so its code names none of the shop's services or
/// functions: the names come from the manifests (`identity:`, `gateway:`, `development:`) at run
/// time. The rule, checked here: in Runtime's Swift code — identifiers and string literals,
/// comments aside — no whole word is the name of a service or function of the shop's manifests
/// (every manifest but `examples.yaml`, the runtime's own example bundle). Comments may use the
/// shop as an example ("e.g. POST /cart/items"); the words in ``runtimeVocabulary`` are the
/// runtime's own terms that a shop function happens to share.
@Suite("Runtime names no shop service or function")
struct RuntimeNamesNoShopTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The runtime's own words: the identity provider's keys (`identity: { token, jwks }`), OAuth's
    /// terms, registering handlers and Consul's service registration and discovery.
    static let runtimeVocabulary: Set<String> = ["token", "jwks", "authorize", "me", "register", "discovery"]

    static func shopNames() throws -> Set<String> {
        let manifests = try ManifestLoader.load(directory: repository + "/manifests/functions")
        var names: Set<String> = []
        for manifest in manifests where manifest.service != "examples" {
            names.insert(manifest.service)
            names.formUnion(manifest.functions.map(\.name))
        }
        return names.subtracting(runtimeVocabulary)
    }

    /// The text of `source` without its comments (`//…`, `/*…*/`, their line breaks kept); string
    /// literals (`"…"`, `"""…"""`, `#"…"#`) stay.
    static func code(_ source: String) -> String {
        var out = ""
        var rest = Substring(source)
        /// The delimiter that ends the literal being read, or nil outside literals.
        var closing: String?
        while let c = rest.first {
            if let end = closing {
                if end != "\"#", c == "\\", rest.count > 1 {
                    out += rest.prefix(2)
                    rest = rest.dropFirst(2)
                } else if rest.hasPrefix(end) {
                    out += end
                    rest = rest.dropFirst(end.count)
                    closing = nil
                } else {
                    out.append(c)
                    rest = rest.dropFirst()
                }
            } else if rest.hasPrefix("//") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                let end = rest.range(of: "*/")?.upperBound ?? rest.endIndex
                out += String(repeating: "\n", count: rest[..<end].filter { $0 == "\n" }.count)
                rest = rest[end...]
            } else {
                for (opening, end) in [("\"\"\"", "\"\"\""), ("#\"", "\"#"), ("\"", "\"")] where rest.hasPrefix(opening) {
                    closing = end
                    out += opening
                    rest = rest.dropFirst(opening.count)
                    break
                }
                if closing == nil {
                    out.append(c)
                    rest = rest.dropFirst()
                }
            }
        }
        return out
    }

    /// Whole words: runs of letters, digits and `_`.
    static func words(_ text: String) -> [Substring] {
        text.split { !($0.isLetter || $0.isNumber || $0 == "_") }
    }

    @Test func runtimeCodeNamesNoShopServiceOrFunction() throws {
        let names = try Self.shopNames()
        #expect(names.isSuperset(of: ["users", "payments", "sandbox", "login", "mpesaCallback"]))
        let root = Self.repository + "/Runtime"
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".swift") }.sorted()
        #expect(files.count > 50)
        var found: [String] = []
        for file in files {
            let source = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for (number, line) in Self.code(source).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for word in Self.words(String(line)) where names.contains(String(word)) {
                    found.append("Runtime/\(file):\(number + 1): \(word)")
                }
            }
        }
        #expect(found == [], "shop names in Runtime's code:\n\(found.joined(separator: "\n"))")
    }

    @Test func commentsAreLeftOutAndStringsKept() {
        let code = Self.code(#"let a = "users // here" // payments"# + "\n/* sandbox\n */ b = #\"x \"cart\" // y\"#")
        #expect(Self.words(code) == ["let", "a", "users", "here", "b", "x", "cart", "y"])
        #expect(code.filter { $0 == "\n" }.count == 2)
    }
}
