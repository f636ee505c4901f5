/// An integer field that answers 422 naming the field when given a fraction or a string (the
/// plain `Int` decoding of `12.5` fails without saying where, which the host can only call a
/// malformed body).
struct WholeNumber: Decodable, Sendable {
    let value: Int

    init(from decoder: Decoder) throws {
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
    func decodeWholeNumber(forKey key: Key) throws -> Int? {
        try decodeIfPresent(WholeNumber.self, forKey: key)?.value
    }
}
