import Contracts
import SokoFunctions

/// A variant as the API shows it: its own SKU and stock, and the price a buyer pays (`price`,
/// the variant's override or else the product's). The merchant's views add the counters.
struct VariantView: Codable, Sendable, Equatable {
    var id: String
    var sku: String
    /// One value per option of the product: `{"Size": "M"}`.
    var options: [String: String]
    /// The options as a buyer reads them, in the product's option order: `"Size: M"`.
    var optionText: String
    /// Effective price, minor units of the product's currency.
    var price: Int
    /// The variant's own price, or nil when it sells at the product's.
    var priceOverride: Int?
    var available: Int
    var archived: Bool
    /// Merchant views only.
    var onHand: Int?
    var reserved: Int?

    enum CodingKeys: String, CodingKey {
        case id, sku, options, price, available, archived, reserved
        case optionText = "option_text"
        case priceOverride = "price_override"
        case onHand = "on_hand"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sku, forKey: .sku)
        try container.encode(options, forKey: .options)
        try container.encode(optionText, forKey: .optionText)
        try container.encode(price, forKey: .price)
        try container.encode(priceOverride, forKey: .priceOverride)
        try container.encode(available, forKey: .available)
        try container.encode(archived, forKey: .archived)
        try container.encodeIfPresent(onHand, forKey: .onHand)
        try container.encodeIfPresent(reserved, forKey: .reserved)
    }

    var summary: VariantSummary {
        VariantSummary(
            id: id, sku: sku, options: options, optionText: optionText, price: price, available: available,
            archived: archived)
    }

    /// Without the merchant's counters (what shoppers see).
    var forShoppers: VariantView {
        var view = self
        view.onHand = nil
        view.reserved = nil
        return view
    }
}

/// Reading variants (and their stock) from the catalog's tables.
enum VariantRecords {
    static let select = """
        SELECT v.id, v.product_id, v.sku, v.options, v.price AS price_override, v.archived,
            p.price AS product_price, p.options AS product_options,
            COALESCE(vi.on_hand, 0) AS on_hand, COALESCE(vi.reserved, 0) AS reserved
        FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN variant_inventory vi ON vi.variant_id = v.id
        """

    static let order = " ORDER BY v.created_at, v.id"

    static func view(_ row: Row) throws -> VariantView { try ranked(row).view }

    /// The variant with its place in the product's option order (the positions of its values in
    /// the options' value lists): variants are listed as the merchant declared the values (sizes
    /// S, M, L), not as they were added.
    private static func ranked(_ row: Row) throws -> (rank: [Int], view: VariantView) {
        let options = try decode([String: String].self, try row.string("options")) ?? [:]
        let productOptions = try decode([ProductOption].self, try row.string("product_options")) ?? []
        let override = try row.int("price_override")
        let productPrice = try row.int("product_price") ?? 0
        let onHand = try row.int("on_hand") ?? 0
        let reserved = try row.int("reserved") ?? 0
        let rank = productOptions.map { option in options[option.name].flatMap { option.values.firstIndex(of: $0) } ?? Int.max }
        return (
            rank,
            VariantView(
                id: try row.string("id") ?? "", sku: try row.string("sku") ?? "", options: options,
                optionText: OptionRules.text(options, options: productOptions),
                price: override ?? productPrice, priceOverride: override, available: onHand - reserved,
                archived: try row.bool("archived") ?? false, onHand: onHand, reserved: reserved)
        )
    }

    /// Rows in option order (ties, which a product's options cannot make, by age).
    private static func sorted(_ rows: [Row]) throws -> [VariantView] {
        try rows.map(ranked).enumerated().sorted { left, right in
            left.element.rank == right.element.rank
                ? left.offset < right.offset : left.element.rank.lexicographicallyPrecedes(right.element.rank)
        }.map(\.element.view)
    }

    /// The product's variants in option order (archived ones too).
    static func of(_ productID: String, in transaction: Transaction) throws -> [VariantView] {
        try sorted(transaction.query(select + " WHERE v.product_id = $1" + order, [.text(productID)]))
    }

    static func of(_ productID: String, in store: Store) async throws -> [VariantView] {
        try sorted(await store.query(select + " WHERE v.product_id = $1" + order, [.text(productID)]))
    }

    /// The variants of every product in `productIDs`, by product id.
    static func of(products productIDs: [String], in store: Store) async throws -> [String: [VariantView]] {
        guard !productIDs.isEmpty else { return [:] }
        let placeholders = (1...productIDs.count).map { "$\($0)" }.joined(separator: ", ")
        let rows = try await store.query(
            select + " WHERE v.product_id IN (\(placeholders))" + order, productIDs.map { .text($0) })
        var byProduct: [String: [Row]] = [:]
        for row in rows { byProduct[try row.string("product_id") ?? "", default: []].append(row) }
        return try byProduct.mapValues(sorted)
    }

    /// The variant `id` of product `productID`, or nil.
    static func find(_ id: String, of productID: String, in transaction: Transaction) throws -> VariantView? {
        try transaction.query(select + " WHERE v.id = $1 AND v.product_id = $2", [.text(id), .text(productID)]).first.map(view)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try JSONCoding.decode(type, from: Array(text.utf8))
    }
}
