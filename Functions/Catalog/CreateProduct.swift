import SokoFunctions

/// `createProduct`'s body: the product's fields and, optionally, its first stock count.
struct CreateProductInput: Decodable, Sendable {
    var fields: ProductFields
    var onHand: Int?

    enum CodingKeys: String, CodingKey {
        case onHand = "on_hand"
    }

    init(from decoder: Decoder) throws {
        fields = try ProductFields(from: decoder)
        onHand = try decoder.container(keyedBy: CodingKeys.self).decodeWholeNumber(forKey: .onHand)
    }
}

/// `POST /products` (admin) → 201 with the product; 422 for invalid fields or an unknown
/// category; 409 `sku-taken` when another product (or a variant) has the SKU. `options` declares
/// the product's options: it is then sold as the variants added to it.
enum CreateProduct: Function {
    static func run(_ input: CreateProductInput, context: FunctionContext) async throws -> Reply<ProductView> {
        let fields = input.fields.normalised
        var errors = fields.problems(required: true)
        if let onHand = input.onHand, onHand < 0 {
            errors.append(FieldError(field: "on_hand", message: "must be zero or more"))
        }
        guard errors.isEmpty, let sku = fields.sku, let name = fields.name, let price = fields.price,
            let currency = fields.currency, let categoryID = fields.categoryID
        else { throw FunctionError.validation(errors) }

        let id = CatalogID.make()
        let now = context.now.timestamp
        let images = try ProductRecords.encodeJSON(fields.images ?? [])
        let attributes = try ProductRecords.encodeJSON(fields.attributes ?? [:])
        let options = try ProductRecords.encodeJSON(fields.options ?? [])
        let onHand = input.onHand ?? 0
        do {
            let product = try await context.store.transaction { transaction -> ProductView? in
                guard let categoryID = try CategoryRecords.resolve(categoryID, in: transaction) else {
                    throw FunctionError.validation([FieldError(field: "category_id", message: "no such category")])
                }
                // SKUs are unique across products and variants.
                if try VariantSKU.isVariantSKU(sku, in: transaction) { throw StoreError.uniqueViolation("sku") }
                try transaction.execute(
                    """
                    INSERT INTO products (id, sku, name, description, price, currency, category_id, images, attributes,
                        archived, created_at, updated_at, options)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $11)
                    """,
                    [
                        .text(id), .text(sku), .text(name), .text(fields.description ?? ""), SQLValue(price),
                        .text(currency), .text(categoryID), .text(images), .text(attributes), .text(now), .text(options),
                    ])
                try transaction.execute(
                    "INSERT INTO inventory (product_id, on_hand, reserved) VALUES ($1, $2, 0)", [.text(id), SQLValue(onHand)])
                return try ProductRecords.find(id, in: transaction)
            }
            guard let product else { throw FunctionError.notFound("the new product vanished") }
            return .created(product, location: "/products/\(id)")
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict("another product has the SKU \(sku)", code: "sku-taken")
        }
    }
}
