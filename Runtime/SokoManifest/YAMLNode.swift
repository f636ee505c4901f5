/// One node of a YAML document as ``YAMLReader`` reads it: scalars stay text (nothing is resolved to
/// numbers or booleans), mappings keep their entries in file order.
public enum YAMLNode: Sendable {
    /// A scalar's text; `plain` when it was written unquoted without a tag, the only form that can mean null.
    case scalar(String, plain: Bool)
    case sequence([YAMLNode])
    case mapping([(key: YAMLNode, value: YAMLNode)])

    /// The scalar's text; `nil` for a sequence or mapping.
    public var text: String? {
        guard case .scalar(let text, _) = self else { return nil }
        return text
    }

    /// True for an absent value: a plain empty scalar (`key:` with nothing after it), `~` or `null`.
    public var isNull: Bool {
        guard case .scalar(let text, plain: true) = self else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The items of a sequence; `nil` for anything else.
    public var items: [YAMLNode]? {
        guard case .sequence(let items) = self else { return nil }
        return items
    }

    /// The entries of a mapping in file order; `nil` for anything else.
    public var entries: [(key: YAMLNode, value: YAMLNode)]? {
        guard case .mapping(let entries) = self else { return nil }
        return entries
    }

    /// The value under the scalar key `name` of a mapping.
    public subscript(name: String) -> YAMLNode? {
        entries?.first { $0.key.text == name }?.value
    }
}
