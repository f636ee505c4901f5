import Contracts
import SokoFunctions

/// `POST /internal/catalog/lookup` (service) `{product_ids}` → `{products: [...]}` in the order
/// asked, archived ones included (flagged), unknown ids left out. At most 200 ids.
enum LookupProducts: Function {
    static let maximumIDs = 200

    static func run(_ input: ProductLookup, context: FunctionContext) async throws -> ProductSummaries {
        guard input.productIDs.count <= maximumIDs else {
            throw FunctionError.validation([FieldError(field: "product_ids", message: "must list at most \(maximumIDs) ids")])
        }
        var seen = Set<String>()
        let ids = input.productIDs.filter { seen.insert($0).inserted }
        guard !ids.isEmpty else { return ProductSummaries(products: []) }
        let placeholders = (1...ids.count).map { "$\($0)" }.joined(separator: ", ")
        let rows = try await context.store.query(
            ProductRecords.select + " WHERE p.id IN (\(placeholders))", ids.map { .text($0) })
        let found = Dictionary(try rows.map(ProductRecords.view).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Products sold as variants carry all of them, archived ones flagged (a cart may hold one).
        let variants = try await VariantRecords.of(
            products: found.values.filter { !$0.options.isEmpty }.map(\.id), in: context.store)
        return ProductSummaries(
            products: ids.compactMap { found[$0] }.map {
                ProductSummary(
                    id: $0.id, sku: $0.sku, name: $0.name, price: $0.price, currency: $0.currency, available: $0.available,
                    archived: $0.archived, imageURL: $0.images.first,
                    variants: $0.options.isEmpty ? nil : (variants[$0.id] ?? []).map(\.summary))
            })
    }
}
