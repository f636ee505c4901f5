import SokoFunctions

/// An `application/x-www-form-urlencoded` body, as the pages' forms post it.
public struct FormBody: Sendable {
    public let fields: QueryParameters

    public init(_ request: FunctionRequest) {
        fields = QueryParameters(parsing: Substring(String(decoding: request.body, as: UTF8.self)))
    }

    /// The field's value with surrounding whitespace removed; nil when absent or blank.
    public subscript(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    /// The field exactly as sent (passwords keep their spaces).
    public func exact(_ name: String) -> String? { fields[name] }
}
