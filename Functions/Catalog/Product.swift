import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A product as the API shows it, with the stock a buyer can still take (`available`).
struct ProductView: Codable, Sendable, Equatable {
    var id: String
    var sku: String
    var name: String
    var description: String
    /// Minor units of `currency` (cents, or KES cents).
    var price: Int
    var currency: String
    var categoryID: String
    var images: [String]
    var attributes: [String: JSONValue]
    var archived: Bool
    /// `on_hand − reserved`; for a product sold as variants, the sum over its variants on sale.
    var available: Int
    var createdAt: String
    var updatedAt: String
    /// The product's options (`[]` for a product without); with options it is sold as variants.
    var options: [ProductOption] = []
    /// The variants on sale (`[]` without options). Left out of listings.
    var variants: [VariantView]? = nil

    enum CodingKeys: String, CodingKey {
        case id, sku, name, description, price, currency, images, attributes, archived, available, options, variants
        case categoryID = "category_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// Reading products (and their stock) from the catalog's tables.
enum ProductRecords {
    /// The columns of ``ProductView``, from `products p` joined to `inventory i`.
    static let select = """
        SELECT p.id, p.sku, p.name, p.description, p.price, p.currency, p.category_id, p.images, p.attributes,
            p.archived, p.created_at, p.updated_at, p.options,
            \(available) AS available
        FROM products p LEFT JOIN inventory i ON i.product_id = p.id
        """

    /// A product's available units: its own stock, or for one sold as variants (it has options)
    /// the sum of its variants' on sale.
    static let available = counter("on_hand - reserved")

    /// `column` (an expression over `inventory`'s counters) of the product: its own row's, or
    /// for one sold as variants the sum over its variants on sale.
    static func counter(_ column: String) -> String {
        let own = column.replacing("on_hand", with: "COALESCE(i.on_hand, 0)").replacing(
            "reserved", with: "COALESCE(i.reserved, 0)")
        let variant = column.replacing("on_hand", with: "vi.on_hand").replacing("reserved", with: "vi.reserved")
        return """
            CASE WHEN p.options = '[]' THEN \(own)
                ELSE COALESCE((SELECT CAST(SUM(\(variant)) AS BIGINT) FROM variants v
                    JOIN variant_inventory vi ON vi.variant_id = v.id WHERE v.product_id = p.id AND v.archived = 0), 0) END
            """
    }

    /// Whether the row's product declares options (and is sold as variants).
    static func hasOptions(_ row: Row) throws -> Bool { (try row.string("options") ?? "[]") != "[]" }

    static func view(_ row: Row) throws -> ProductView {
        ProductView(
            id: try row.string("id") ?? "", sku: try row.string("sku") ?? "", name: try row.string("name") ?? "",
            description: try row.string("description") ?? "", price: try row.int("price") ?? 0,
            currency: try row.string("currency") ?? "", categoryID: try row.string("category_id") ?? "",
            images: try decodeJSON([String].self, try row.string("images")) ?? [],
            attributes: try decodeJSON([String: JSONValue].self, try row.string("attributes")) ?? [:],
            archived: try row.bool("archived") ?? false, available: try row.int("available") ?? 0,
            createdAt: try row.string("created_at") ?? "", updatedAt: try row.string("updated_at") ?? "",
            options: try decodeJSON([ProductOption].self, try row.string("options")) ?? [])
    }

    /// The product with `id`, archived or not, with its variants on sale; nil when there is none.
    static func find(_ id: String, in transaction: Transaction) throws -> ProductView? {
        guard var product = try transaction.query(select + " WHERE p.id = $1", [.text(id)]).first.map(view) else {
            return nil
        }
        product.variants = product.options.isEmpty ? [] : try VariantRecords.of(id, in: transaction).onSale
        return product
    }

    static func find(_ id: String, in store: Store) async throws -> ProductView? {
        guard var product = try await store.query(select + " WHERE p.id = $1", [.text(id)]).first.map(view) else {
            return nil
        }
        product.variants = product.options.isEmpty ? [] : try await VariantRecords.of(id, in: store).onSale
        return product
    }

    /// The product in `row` (from ``select``) as the JSON ``ProductView`` encodes to — same keys,
    /// same order — written straight to bytes: the images and attributes columns already hold JSON
    /// this service wrote, so they are copied rather than decoded and encoded again.
    /// `variants` are the product's variants on sale (``Array/onSale``), written with the encoder.
    static func writeJSON(_ row: Row, variants: [VariantView], into json: inout JSONBuffer) throws {
        json.openObject()
        json.key("archived")
        json.bool(try row.bool("archived") ?? false)
        json.key("attributes")
        json.raw(try row.string("attributes") ?? "{}")
        json.key("available")
        json.int(try row.int("available") ?? 0)
        json.key("category_id")
        json.string(try row.string("category_id") ?? "")
        json.key("created_at")
        json.string(try row.string("created_at") ?? "")
        json.key("currency")
        json.string(try row.string("currency") ?? "")
        json.key("description")
        json.string(try row.string("description") ?? "")
        json.key("id")
        json.string(try row.string("id") ?? "")
        json.key("images")
        json.raw(try row.string("images") ?? "[]")
        json.key("name")
        json.string(try row.string("name") ?? "")
        json.key("options")
        json.raw(try row.string("options") ?? "[]")
        json.key("price")
        json.int(try row.int("price") ?? 0)
        json.key("sku")
        json.string(try row.string("sku") ?? "")
        json.key("updated_at")
        json.string(try row.string("updated_at") ?? "")
        json.key("variants")
        json.raw(variants.isEmpty ? "[]" : try encodeJSON(variants))
        json.closeObject()
    }

    static func encodeJSON<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONCoding.encode(value), as: UTF8.self)
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try JSONCoding.decode(type, from: Array(text.utf8))
    }
}

extension [VariantView] {
    /// The variants a shopper may pick (not archived), without the merchant's counters.
    var onSale: [VariantView] { filter { !$0.archived }.map(\.forShoppers) }
}

/// New identifiers: lowercase UUIDs.
enum CatalogID {
    static func make() -> String { UUID().uuidString.lowercased() }

    /// Whether `text` has the shape of an id (so a malformed path segment is a plain 404).
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 36 && UUID(uuidString: text) != nil
    }
}
