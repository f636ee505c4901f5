/// An integer field that answers 422 naming the field when given a fraction, a number past the
/// integer range or another type: the plain `Int` decoding of `1.5` or `1e30` fails without saying
/// where, which the host can only call a malformed body (400) although the JSON is valid.
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
