import SokoFunctions

/// `GET /products/{id}` (public) → the product with its available stock; 404 when unknown or
/// archived.
///
/// The busiest read of the shop: one cached statement, and the JSON written straight from the row
/// (``ProductRecords/writeJSON(_:into:)``), byte for byte what ``ProductView`` encodes to.
enum GetProduct: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> FunctionResponse {
        guard let id = context.pathParameter("id"),
            let row = try await context.store.query(ProductRecords.select + " WHERE p.id = $1", [.text(id)]).first,
            try row.bool("archived") == false
        else { throw FunctionError.notFound("no such product", code: "product-not-found") }
        // Only a product with options has variants: a plain one costs no second query.
        let variants = try ProductRecords.hasOptions(row) ? try await VariantRecords.of(id, in: context.store).onSale : []
        var json = JSONBuffer(capacity: 1024)
        try ProductRecords.writeJSON(row, variants: variants, into: &json)
        return FunctionResponse(json: json)
    }
}
