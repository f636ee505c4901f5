import Foundation
import SokoManifest
import Testing
import Yams

@Suite("YAMLReader: libyaml events to nodes")
struct YAMLReaderTests {
    /// A node as one line: scalars quoted (null as `~`), lists in `[]`, mappings in `{}` in file order.
    static func shape(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let text, _): node.isNull ? "~" : "\"\(text)\""
        case .sequence(let items): "[" + items.map(shape).joined(separator: ", ") + "]"
        case .mapping(let entries): "{" + entries.map { "\(shape($0.key)): \(shape($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// The same line for a Yams node, the oracle.
    static func shape(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): node.null != nil ? "~" : "\"\(scalar.string)\""
        case .sequence(let items): "[" + items.map(shape).joined(separator: ", ") + "]"
        case .mapping(let entries): "{" + entries.map { "\(shape($0.key)): \(shape($0.value))" }.joined(separator: ", ") + "}"
        case .alias: "*"
        }
    }

    private func read(_ text: String) throws -> String {
        Self.shape(try #require(try YAMLReader.read(text)))
    }

    private func refusal(_ text: String) -> String {
        do {
            let node = try YAMLReader.read(text)
            Issue.record("read \(node.map(Self.shape) ?? "nothing")")
            return ""
        } catch {
            return error.description
        }
    }

    @Test func blockAndFlowStylesNest() throws {
        let text = """
            a:
              b: [1, { c: d, e: [f, g] }]
              h:
                - i
                - { j: k }
                - [l, [m]]
            n: { o: [p, { q: r }] }
            """
        let node = try #require(try YAMLReader.read(text))
        #expect(Self.shape(try #require(node["a"]?["b"])) == #"["1", {"c": "d", "e": ["f", "g"]}]"#)
        #expect(Self.shape(try #require(node["a"]?["h"])) == #"["i", {"j": "k"}, ["l", ["m"]]]"#)
        #expect(Self.shape(try #require(node["n"])) == #"{"o": ["p", {"q": "r"}]}"#)
        #expect(node.entries?.map(\.key.text) == ["a", "n"])
    }

    @Test func quotedScalarsAreTextNeverNull() throws {
        let text = """
            single: 'it''s ~'
            double: "tab\\there \\u00e9"
            quotedNull: "null"
            tilde: ~
            empty:
            word: null
            number: 007
            """
        let node = try #require(try YAMLReader.read(text))
        #expect(node["single"]?.text == "it's ~")
        #expect(node["double"]?.text == "tab\there \u{e9}")
        #expect(node["quotedNull"]?.isNull == false)
        #expect(node["quotedNull"]?.text == "null")
        #expect(node["tilde"]?.isNull == true)
        #expect(node["empty"]?.isNull == true)
        #expect(node["word"]?.isNull == true)
        #expect(node["number"]?.text == "007")
    }

    @Test func multiLineScalarsFoldOrKeepLines() throws {
        let text = """
            literal: |
              one
              two
            folded: >
              one
              two
            plain: one
              two
            """
        #expect(try read(text) == "{\"literal\": \"one\ntwo\n\", \"folded\": \"one two\n\", \"plain\": \"one two\"}")
    }

    @Test func commentsAreSkipped() throws {
        #expect(try read("# head\na: b # tail\n# between\nc: [d, # inside\n  e]\n") == #"{"a": "b", "c": ["d", "e"]}"#)
    }

    @Test func aliasesStandForTheAnchoredNode() throws {
        #expect(try read("a: &x { b: c }\nd: *x\n") == #"{"a": {"b": "c"}, "d": {"b": "c"}}"#)
        #expect(refusal("a: *nowhere\n").contains("undefined alias \"nowhere\""))
    }

    @Test func emptyTextHoldsNoDocument() throws {
        #expect(try YAMLReader.read("") == nil)
        #expect(try YAMLReader.read("# only a comment\n") == nil)
    }

    @Test func duplicateKeysAreRefusedWithTheMappingsLine() {
        #expect(refusal("a: 1\nb:\n  c: 1\n  c: 2\n") == "the key \"c\" appears twice in the mapping that starts at line 3")
    }

    @Test func invalidYAMLNamesLineAndColumn() {
        let message = refusal("a: b\nc: [d, e\nf: g\n")
        #expect(message.hasPrefix("YAML syntax error at line "), "\(message)")
        #expect(message.contains("(while parsing a flow sequence at line 2)"), "\(message)")
        #expect(
            refusal("a: b\n c: d\n") == "YAML syntax error at line 2, column 3: mapping values are not allowed in this context")
    }

    @Test func aSecondDocumentIsRefused() {
        #expect(refusal("a: b\n---\nc: d\n").contains("line 2"))
    }

    @Test func controlCharactersAreRefused() {
        #expect(refusal("a: b\u{1}\n").contains("control characters are not allowed"))
    }

    /// Every YAML file of the repository reads as Yams reads it, or both refuse it.
    @Test func agreesWithYamsOnTheRepositorysFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var files = ["openapi.yaml", "docker/compose.yaml"]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.appendingPathComponent("manifests").path))
        for case let path as String in enumerator where path.hasSuffix(".yaml") { files.append("manifests/\(path)") }
        #expect(files.count > 10)
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            let oracle = try? Yams.compose(yaml: text).map(Self.shape)
            let ours = try? YAMLReader.read(text).map(Self.shape)
            #expect(ours == oracle, "\(file)")
        }
    }
}
