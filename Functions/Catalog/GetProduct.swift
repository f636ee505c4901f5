import SokoFunctions

/// `GET /products/{id}` (public) → the product with its available stock; 404 when unknown or
/// archived.
enum GetProduct {
    static func run(context: FunctionContext) async throws -> ProductView {
        guard let id = context.pathParameter("id"), let product = try await ProductRecords.find(id, in: context.store),
            !product.archived
        else { throw FunctionError.notFound("no such product", code: "product-not-found") }
        return product
    }
}
