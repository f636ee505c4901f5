/// A YAML node together with the file and dotted key it sits at, so every refusal names both.
struct ManifestNode {
    let node: YAMLNode
    let file: String
    /// Dotted key path, e.g. `functions.addToCart.timeout`; empty for the document root.
    let key: String

    /// A refusal of this node.
    func error(_ message: String) -> ManifestError {
        ManifestError(file: file, key: key, message: message)
    }

    /// The node at `name` under this one.
    func child(_ name: String, _ node: YAMLNode) -> ManifestNode {
        ManifestNode(node: node, file: file, key: key.isEmpty ? name : "\(key).\(name)")
    }

    /// True for an absent value (`key:` with nothing after it, `~`, `null`).
    var isNull: Bool { node.isNull }

    /// What the node is, for "found …" in messages.
    private var kind: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let text, _): isNull ? "nothing" : "\"\(text)\""
        }
    }

    /// The entries of a mapping in file order; an absent value reads as an empty mapping.
    /// - Parameters:
    ///   - allowed: the keys this mapping may have, in the order to list them when refusing one;
    ///     `nil` when any name is allowed (the `functions` mapping).
    ///   - what: what the mapping holds, for the message when the node is not a mapping.
    func entries(allowed: [String]?, expecting what: String) throws(ManifestError) -> [(name: String, value: ManifestNode)] {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else { throw error("expected \(what), found \(kind)") }
        var result: [(name: String, value: ManifestNode)] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.text else {
                throw error("a key must be a plain name, found \(ManifestNode(node: keyNode, file: file, key: key).kind)")
            }
            let entry = child(name, value)
            if let allowed, !allowed.contains(name) {
                throw entry.error("unknown key \"\(name)\" (expected one of: \(allowed.joined(separator: ", ")))")
            }
            result.append((name, entry))
        }
        return result
    }

    /// The node's text; refuses lists, mappings and absent values.
    /// - Parameter what: what was expected, e.g. "a duration such as 2s".
    func scalar(expecting what: String) throws(ManifestError) -> String {
        guard let text = node.text, !isNull else { throw error("expected \(what), found \(kind)") }
        return text
    }

    /// The node's text, or the texts of a non-empty list of scalars, without duplicates.
    func scalarOrList(expecting what: String) throws(ManifestError) -> [String] {
        guard case .sequence(let sequence) = node else { return [try scalar(expecting: what)] }
        guard !sequence.isEmpty else { throw error("expected \(what), found an empty list") }
        var texts: [String] = []
        for item in sequence {
            let text = try ManifestNode(node: item, file: file, key: key).scalar(expecting: what)
            guard !texts.contains(text) else { throw error("\"\(text)\" is listed twice") }
            texts.append(text)
        }
        return texts
    }

    /// The node as a whole number of at least `minimum`.
    /// - Parameter what: what the number counts, e.g. "in-flight requests".
    func integer(atLeast minimum: Int, counting what: String) throws(ManifestError) -> Int {
        let expected = "a whole number of \(what), at least \(minimum)"
        let text = try scalar(expecting: expected)
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard let magnitude = ManifestCharacters.number(digits) else {
            throw error("\"\(text)\" is not a whole number (expected \(expected))")
        }
        let value = text.hasPrefix("-") ? -magnitude : magnitude
        guard value >= minimum else { throw error("must be at least \(minimum), found \(value)") }
        return value
    }
}
