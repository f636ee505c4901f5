/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Order and repeats are kept as received, since some fields (`Set-Cookie`, duplicated
/// `Content-Length`) mean something only when every occurrence is seen.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    @usableFromInline var fields: [Element]

    public init() { fields = [] }

    /// Takes fields as they are (no copy); the transport builds headers this way.
    public init(fields: [Element]) {
        self.fields = fields
    }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of `name`, compared without regard to case.
    public subscript(_ name: String) -> String? {
        // Lengths first, reading the fields in place: a field of another length is passed over
        // without a comparison, and no field is copied out (and retained) to be looked at.
        let length = name.utf8.count
        for index in fields.indices
        where fields[index].name.utf8.count == length && fields[index].name.equalsIgnoringASCIICase(name) {
            return fields[index].value
        }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { $0.name.equalsIgnoringASCIICase(name) ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` by one with `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

extension String {
    /// ASCII case-insensitive equality, without allocating lower-cased copies.
    @inlinable
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        let a = utf8
        let b = other.utf8
        if a.count != b.count { return false }
        // Native strings (header names, literals) are contiguous UTF-8: compare the two buffers.
        let compared = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in ASCIICase.equal(x, y) }
        }
        if let compared, let compared { return compared }
        return ASCIICase.equal(a, b)
    }
}

/// The byte comparisons behind ``Swift/String/equalsIgnoringASCIICase(_:)``.
@usableFromInline
enum ASCIICase {
    @inlinable @inline(__always)
    static func equal(_ x: UInt8, _ y: UInt8) -> Bool {
        if x == y { return true }
        let lower = x | 0x20
        return lower == y | 0x20 && lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    @inlinable
    static func equal(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<x.count where !equal(x[i], y[i]) { return false }
        return true
    }

    @inlinable
    static func equal(_ x: String.UTF8View, _ y: String.UTF8View) -> Bool {
        zip(x, y).allSatisfy { equal($0, $1) }
    }
}
