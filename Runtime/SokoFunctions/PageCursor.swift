/// Opaque page cursors: what a list hands out as `next_cursor` and reads back from `?cursor=`.
/// The position is base64url text, so clients pass it back unchanged; one that does not decode
/// to a position of the expected shape is nil (the list answers 400).
public enum PageCursor {
    /// `parts` (which hold no space) joined by a space, in base64url.
    public static func encode(_ parts: [String]) -> String {
        Base64URL.encode(Array(parts.joined(separator: " ").utf8))
    }

    /// The `count` parts of a cursor ``encode(_:)`` made, or nil: longer than `maxLength`, not
    /// base64url, not UTF-8, or another number of parts.
    public static func decode(_ text: String, parts count: Int, maxLength: Int = 200) -> [String]? {
        guard text.utf8.count <= maxLength, let bytes = Base64URL.decode(text),
            let decoded = String(validating: bytes, as: UTF8.self)
        else { return nil }
        let parts = decoded.split(separator: " ", omittingEmptySubsequences: false)
        return parts.count == count ? parts.map(String.init) : nil
    }

    /// A position with more structure than a few words, as base64url JSON.
    public static func encode<Position: Encodable>(json position: Position) -> String {
        Base64URL.encode((try? JSONCoding.encode(position)) ?? [])
    }

    /// The position a ``encode(json:)`` cursor holds, or nil for anything else.
    public static func decode<Position: Decodable>(_ text: String, json type: Position.Type, maxLength: Int = 1024)
        -> Position?
    {
        guard text.utf8.count <= maxLength, let bytes = Base64URL.decode(text) else { return nil }
        return try? JSONCoding.decode(type, from: bytes)
    }
}
