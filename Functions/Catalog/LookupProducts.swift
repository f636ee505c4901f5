import SokoFunctions

struct LookupProductsInput: Decodable, Sendable {
    var productIDs: [String]

    enum CodingKeys: String, CodingKey {
        case productIDs = "product_ids"
    }
}

/// What another service needs to price and show a product.
struct ProductSummary: Codable, Sendable, Equatable {
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

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(sku, forKey: .sku)
        try container.encode(name, forKey: .name)
        try container.encode(price, forKey: .price)
        try container.encode(currency, forKey: .currency)
        try container.encode(available, forKey: .available)
        try container.encode(archived, forKey: .archived)
        try container.encode(imageURL, forKey: .imageURL)  // null when the product has no image
    }
}

struct LookupProductsOutput: Codable, Sendable {
    var products: [ProductSummary]
}

/// `POST /internal/catalog/lookup` (service) `{product_ids}` → `{products: [...]}` in the order
/// asked, archived ones included (flagged), unknown ids left out. At most 200 ids.
enum LookupProducts: Function {
    static let maximumIDs = 200

    static func run(_ input: LookupProductsInput, context: FunctionContext) async throws -> LookupProductsOutput {
        guard input.productIDs.count <= maximumIDs else {
            throw FunctionError.validation([FieldError(field: "product_ids", message: "must list at most \(maximumIDs) ids")])
        }
        var seen = Set<String>()
        let ids = input.productIDs.filter { seen.insert($0).inserted }
        guard !ids.isEmpty else { return LookupProductsOutput(products: []) }
        let placeholders = (1...ids.count).map { "$\($0)" }.joined(separator: ", ")
        let rows = try await context.store.query(
            ProductRecords.select + " WHERE p.id IN (\(placeholders))", ids.map { .text($0) })
        let found = Dictionary(try rows.map(ProductRecords.view).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return LookupProductsOutput(
            products: ids.compactMap { found[$0] }.map {
                ProductSummary(
                    id: $0.id, sku: $0.sku, name: $0.name, price: $0.price, currency: $0.currency, available: $0.available,
                    archived: $0.archived, imageURL: $0.images.first)
            })
    }
}
