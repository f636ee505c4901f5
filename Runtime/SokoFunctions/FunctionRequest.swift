/// A request as a raw handler sees it: the exact bytes of the body and every part of the URL.
public struct FunctionRequest: Sendable {
    public var method: String
    /// The path, percent-decoding not applied (match on it as sent).
    public var path: String
    public var query: QueryParameters
    public var headers: HTTPHeaders
    /// Values of the route's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String]
    /// The body exactly as received (webhook signatures are computed over these bytes).
    public var body: [UInt8]
    /// The client's IP address: the peer's, or — when the peer is a trusted proxy (the gateway) —
    /// the address that proxy reports in `X-Forwarded-For`.
    public var clientAddress: String

    public init(
        method: String, path: String, query: QueryParameters = QueryParameters(),
        headers: HTTPHeaders = HTTPHeaders(), pathParameters: [String: String] = [:], body: [UInt8] = [],
        clientAddress: String = ""
    ) {
        self.clientAddress = clientAddress
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.pathParameters = pathParameters
        self.body = body
    }
}

/// Decoded `?name=value&…` pairs, in order, repeats kept.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(String, String)] = []) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Parses a raw query string (`+` is a space, `%XX` decoded; undecodable input kept as is).
    public init(parsing raw: Substring) {
        if raw.isEmpty {
            pairs = []
            return
        }
        pairs = raw.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let eq = part.firstIndex(of: "=") {
                return (
                    name: PercentDecoding.decode(part[..<eq], plusIsSpace: true),
                    value: PercentDecoding.decode(part[part.index(after: eq)...], plusIsSpace: true)
                )
            }
            return (name: PercentDecoding.decode(part, plusIsSpace: true), value: "")
        }
    }

    /// The first value of `name`.
    public subscript(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    public func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// `%XX` decoding for paths and queries.
public enum PercentDecoding {
    /// Decodes `%XX` (and `+` when `plusIsSpace`); returns the input unchanged if the result is
    /// not UTF-8 or an escape is malformed.
    public static func decode(_ text: Substring, plusIsSpace: Bool = false) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return String(text)
                }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? String(text)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
