import SokoFunctions

/// A product as the merchant sees it: archived or not, with its stock counters — what shoppers
/// see (`available`) and what orders in progress hold (`reserved`) out of what is on the shelf
/// (`on_hand`).
struct AdminProduct: Encodable, Sendable, Equatable {
    var product: ProductView
    var onHand: Int
    var reserved: Int

    enum CodingKeys: String, CodingKey {
        case onHand = "on_hand"
        case reserved
    }

    func encode(to encoder: Encoder) throws {
        try product.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(onHand, forKey: .onHand)
        try container.encode(reserved, forKey: .reserved)
    }

    /// ``ProductRecords/select``'s columns with the two counters (summed over the variants on sale
    /// for a product sold as variants).
    static let select = """
        SELECT p.id, p.sku, p.name, p.description, p.price, p.currency, p.category_id, p.images, p.attributes,
            p.archived, p.created_at, p.updated_at, p.options,
            \(ProductRecords.available) AS available,
            \(ProductRecords.counter("on_hand")) AS on_hand, \(ProductRecords.counter("reserved")) AS reserved
        FROM products p LEFT JOIN inventory i ON i.product_id = p.id
        """

    init(row: Row) throws {
        product = try ProductRecords.view(row)
        onHand = try row.int("on_hand") ?? 0
        reserved = try row.int("reserved") ?? 0
    }
}
