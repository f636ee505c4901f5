import SokoFunctions

/// `GET /admin/products/{id}` (admin) → the product, archived or not, with `on_hand`, `reserved`
/// and `available`; 404 `product-not-found` when there is none.
enum AdminGetProduct: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> AdminProduct {
        guard let id = context.pathParameter("id"), CatalogID.isWellFormed(id),
            let row = try await context.store.query(AdminProduct.select + " WHERE p.id = $1", [.text(id)]).first
        else { throw FunctionError.notFound("no such product", code: "product-not-found") }
        var product = try AdminProduct(row: row)
        // The merchant sees every variant, archived ones too, with its counters.
        product.product.variants = product.product.options.isEmpty ? [] : try await VariantRecords.of(id, in: context.store)
        return product
    }
}
