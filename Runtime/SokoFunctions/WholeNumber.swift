/// An integer field that answers 422 naming the field when given a fraction, a number past the
/// integer range or another type: the plain `Int` decoding of `1.5` or `1e30` fails without saying
/// where (the host can then only say "a number in the body does not fit").
///
/// ```swift
/// quantity = try container.decode(WholeNumber.self, forKey: .quantity).value
/// price = try container.decodeWholeNumber(forKey: .price)   // nil when absent or null
/// ```
public struct WholeNumber: Decodable, Sendable {
    public let value: Int

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = try? container.decode(Int.self) else {
            throw DecodingError.typeMismatch(
                Int.self, DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not an integer"))
        }
        self.value = value
    }
}

extension KeyedDecodingContainer {
    /// The integer at `key`, nil when absent or null; a fraction is a type mismatch at `key`.
    public func decodeWholeNumber(forKey key: Key) throws -> Int? {
        try decodeIfPresent(WholeNumber.self, forKey: key)?.value
    }
}
