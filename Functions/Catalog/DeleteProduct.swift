import SokoFunctions

/// `DELETE /products/{id}` (admin) → 204: the product is archived (kept for orders that name it,
/// hidden from the shop and refused by new reservations). Archiving twice is harmless; 404 when
/// unknown.
enum DeleteProduct: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> FunctionResponse {
        let id = context.pathParameter("id") ?? ""
        let changed = try await context.store.execute(
            "UPDATE products SET archived = 1, updated_at = $2 WHERE id = $1", [.text(id), .text(context.now.timestamp)])
        guard changed > 0 else { throw FunctionError.notFound("no such product", code: "product-not-found") }
        return .noContent
    }
}
