import SokoFunctions

/// `updateProduct`'s body: any subset of the product's fields, and `archived` to restore an
/// archived product (or archive one).
struct UpdateProductInput: Decodable, Sendable {
    var fields: ProductFields
    var archived: Bool?

    enum CodingKeys: String, CodingKey {
        case archived
    }

    init(from decoder: Decoder) throws {
        fields = try ProductFields(from: decoder)
        archived = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Bool.self, forKey: .archived)
    }
}

/// `PATCH /products/{id}` (admin) → the updated product; 404 when unknown, 422 for invalid fields
/// or an unknown category, 409 `sku-taken`.
enum UpdateProduct: Function {
    static func run(_ input: UpdateProductInput, context: FunctionContext) async throws -> ProductView {
        let id = context.pathParameter("id") ?? ""
        let fields = input.fields.normalised
        let errors = fields.problems(required: false)
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
        let images = try fields.images.map(ProductRecords.encodeJSON)
        let attributes = try fields.attributes.map(ProductRecords.encodeJSON)
        let options = try fields.options.map(ProductRecords.encodeJSON)
        let given: [SQLValue] = [
            .text(id), SQLValue(fields.sku), SQLValue(fields.name), SQLValue(fields.description),
            fields.price.map { SQLValue($0) } ?? .null, SQLValue(fields.currency), .null,
            SQLValue(images), SQLValue(attributes), input.archived.map { SQLValue($0) } ?? .null, .text(context.now.timestamp),
            SQLValue(options),
        ]
        do {
            return try await context.store.transaction { transaction in
                var parameters = given
                if let named = fields.categoryID {
                    guard let categoryID = try CategoryRecords.resolve(named, in: transaction) else {
                        throw FunctionError.validation([FieldError(field: "category_id", message: "no such category")])
                    }
                    parameters[6] = .text(categoryID)
                }
                if let sku = fields.sku, try VariantSKU.isVariantSKU(sku, in: transaction) {
                    throw StoreError.uniqueViolation("sku")
                }
                if let options, try VariantSKU.hasVariants(id, in: transaction),
                    try transaction.query("SELECT options FROM products WHERE id = $1", [.text(id)]).first?.string("options")
                        != options
                {
                    throw FunctionError.conflict(
                        "the product has variants; its options cannot change under them", code: "options-in-use")
                }
                let changed = try transaction.execute(
                    """
                    UPDATE products SET sku = COALESCE($2, sku), name = COALESCE($3, name),
                        description = COALESCE($4, description), price = COALESCE($5, price),
                        currency = COALESCE($6, currency), category_id = COALESCE($7, category_id),
                        images = COALESCE($8, images), attributes = COALESCE($9, attributes),
                        archived = COALESCE($10, archived), updated_at = $11, options = COALESCE($12, options)
                    WHERE id = $1
                    """, parameters)
                guard changed > 0, let product = try ProductRecords.find(id, in: transaction) else {
                    throw FunctionError.notFound("no such product", code: "product-not-found")
                }
                return product
            }
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict("another product has the SKU \(fields.sku ?? "")", code: "sku-taken")
        }
    }
}
