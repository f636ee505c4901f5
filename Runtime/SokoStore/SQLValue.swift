/// A value bound to or read from SQL. Parameters are always bound, never spliced into SQL text.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    /// Booleans are stored as integers 0/1 in both dialects.
    public init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}

/// Conversions for binding Swift values.
extension SQLValue {
    public init(_ value: Int) { self = .integer(Int64(value)) }
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    public init(_ value: Bool) { self = .integer(value ? 1 : 0) }
}

/// One result row: values by column position or name.
public struct Row: Sendable, Equatable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    /// The column as an integer (nil for NULL); throws ``StoreError/type`` for other kinds.
    public func int(_ column: String) throws -> Int? {
        switch self[column] {
        case .null: return nil
        case .integer(let v): return Int(v)
        case .real(let v): if v.rounded() == v, let exact = Int(exactly: v) { return exact }  // PostgreSQL's SUM → numeric
        case .text(let t): if let v = Int(t) { return v }
        default: break
        }
        throw StoreError.type(column: column, expected: "an integer")
    }

    public func string(_ column: String) throws -> String? {
        switch self[column] {
        case .null: return nil
        case .text(let t): return t
        case .integer(let v): return String(v)
        default: throw StoreError.type(column: column, expected: "text")
        }
    }

    public func bool(_ column: String) throws -> Bool? {
        try int(column).map { $0 != 0 }
    }

    public func blob(_ column: String) throws -> [UInt8]? {
        switch self[column] {
        case .null: return nil
        case .blob(let b): return b
        case .text(let t): return Array(t.utf8)
        default: throw StoreError.type(column: column, expected: "bytes")
        }
    }

    public func double(_ column: String) throws -> Double? {
        switch self[column] {
        case .null: return nil
        case .real(let v): return v
        case .integer(let v): return Double(v)
        case .text(let t): if let v = Double(t) { return v }
        default: break
        }
        throw StoreError.type(column: column, expected: "a number")
    }
}
