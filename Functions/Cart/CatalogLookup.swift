import Contracts
import SokoFunctions

/// Calls `catalog.lookupProducts`. Never call it inside a store transaction.
enum CatalogLookup {
    /// The products among `ids` that the catalog knows, by id (unknown ids are left out).
    static func products(_ ids: some Sequence<String>, context: FunctionContext) async throws -> [String: ProductSummary] {
        var unique: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted { unique.append(id) }
        guard !unique.isEmpty else { return [:] }
        let output = try await context.invoke(CatalogContract.lookupProducts, ProductLookup(productIDs: unique))
        var byID: [String: ProductSummary] = [:]
        for product in output.products where seen.contains(product.id) { byID[product.id] = product }
        return byID
    }
}
