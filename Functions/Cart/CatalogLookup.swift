import SokoFunctions

/// A product as `catalog.lookupProducts` describes it (docs/commerce.md): the cart's only source
/// of names, prices and availability.
struct CatalogProduct: Codable, Sendable, Equatable {
    var id: String
    var sku: String
    var name: String
    var price: Int
    var currency: String
    var available: Int
    var archived: Bool
    var imageURL: String?

    enum CodingKeys: String, CodingKey {
        case id, sku, name, price, currency, available, archived
        case imageURL = "image_url"
    }
}

/// Calls `catalog.lookupProducts`. Never call it inside a store transaction.
enum CatalogLookup {
    struct Input: Codable, Sendable {
        var productIDs: [String]
        enum CodingKeys: String, CodingKey { case productIDs = "product_ids" }
    }

    struct Output: Codable, Sendable {
        var products: [CatalogProduct]
    }

    /// The products among `ids` that the catalog knows, by id (unknown ids are left out).
    static func products(_ ids: some Sequence<String>, context: FunctionContext) async throws -> [String: CatalogProduct] {
        var unique: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted { unique.append(id) }
        guard !unique.isEmpty else { return [:] }
        // A lookup is a read: retrying it after a transport failure is harmless.
        let output = try await context.invoke(
            "catalog", "lookupProducts", Input(productIDs: unique), as: Output.self, idempotent: true)
        var byID: [String: CatalogProduct] = [:]
        for product in output.products where seen.contains(product.id) { byID[product.id] = product }
        return byID
    }
}
