import SokoFunctions

/// Where the next page starts: the last product's sort key and id, as opaque base64url JSON.
/// Clients pass it back unchanged; it carries no secret, and a forged one only moves the page.
struct ProductCursor: Codable, Sendable, Equatable {
    var sort: ProductSort
    var key: JSONValue
    var id: String

    enum CodingKeys: String, CodingKey {
        case sort = "s"
        case key = "k"
        case id = "i"
    }

    init(sort: ProductSort, key: JSONValue, id: String) {
        self.sort = sort
        self.key = key
        self.id = id
    }

    init?(_ text: String) {
        guard let cursor = PageCursor.decode(text, json: ProductCursor.self), !cursor.id.isEmpty else { return nil }
        self = cursor
    }

    var encoded: String { PageCursor.encode(json: self) }
}

extension ProductSort: Codable {}
