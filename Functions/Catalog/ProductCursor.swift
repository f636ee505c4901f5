import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
        guard text.utf8.count <= 1024, let bytes = Self.base64URLDecode(text),
            let cursor = try? JSONCoding.decode(ProductCursor.self, from: bytes), !cursor.id.isEmpty
        else { return nil }
        self = cursor
    }

    var encoded: String {
        let bytes = (try? JSONCoding.encode(self)) ?? []
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static func base64URLDecode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

extension ProductSort: Codable {}
