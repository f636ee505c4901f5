import SokoFunctions

/// `createVariant`'s body: `{sku, options: {"Size": "M"}, price?, on_hand?}`.
struct CreateVariantInput: Decodable, Sendable {
    var sku: String
    var options: [String: String]
    var price: Int?
    var onHand: Int?

    enum CodingKeys: String, CodingKey {
        case sku, options, price
        case onHand = "on_hand"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decode(String.self, forKey: .sku).trimmingWhitespace()
        options = try container.decode([String: String].self, forKey: .options)
        price = try container.decodeWholeNumber(forKey: .price)
        onHand = try container.decodeWholeNumber(forKey: .onHand)
    }
}

/// `POST /products/{id}/variants` (admin) → 201 with the variant (and the merchant's counters).
/// 404 `product-not-found`; 422 `product-has-no-options` when the product declares none, 422
/// `validation-failed` for a choice that is not one value of every option, a bad SKU, price or
/// count; 409 `sku-taken` (SKUs are unique across products and variants), 409 `variant-exists`
/// for a combination the product already has, 422 `too-many-variants` past 100.
enum CreateVariant: Function {
    static func run(_ input: CreateVariantInput, context: FunctionContext) async throws -> Reply<VariantView> {
        let productID = context.pathParameter("id") ?? ""
        var errors: [FieldError] = []
        if !ProductRules.isSKU(input.sku) {
            errors.append(FieldError(field: "sku", message: "must be 1 to 64 letters, digits, '-', '_' or '.'"))
        }
        if let price = input.price, price <= 0 || price > ProductRules.maximumPrice {
            errors.append(FieldError(field: "price", message: "must be a positive integer in minor units (at most 10^12)"))
        }
        if let onHand = input.onHand, onHand < 0 {
            errors.append(FieldError(field: "on_hand", message: "must be zero or more"))
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
        let id = CatalogID.make()
        let now = context.now.timestamp
        do {
            let variant = try await context.store.transaction { transaction -> VariantView? in
                let options = try VariantSKU.options(of: productID, in: transaction)
                guard !options.isEmpty else {
                    throw FunctionError(
                        status: 422, code: "product-has-no-options",
                        detail: "declare the product's options (PATCH /products/{id} with options) before adding variants")
                }
                let values = try OptionRules.match(input.options, to: options).get()
                let count =
                    try transaction.query(
                        "SELECT COUNT(*) AS n FROM variants WHERE product_id = $1", [.text(productID)]
                    ).first?.int("n") ?? 0
                guard count < OptionRules.maximumVariants else {
                    throw FunctionError(
                        status: 422, code: "too-many-variants",
                        detail: "a product has at most \(OptionRules.maximumVariants) variants")
                }
                let key = OptionRules.key(values)
                guard
                    try transaction.query(
                        "SELECT id FROM variants WHERE product_id = $1 AND option_key = $2", [.text(productID), .text(key)]
                    ).isEmpty
                else {
                    throw FunctionError.conflict("the product already has a variant with these options", code: "variant-exists")
                }
                if try VariantSKU.isProductSKU(input.sku, in: transaction) { throw StoreError.uniqueViolation("sku") }
                let choice = Dictionary(uniqueKeysWithValues: zip(options.map(\.name), values))
                try transaction.execute(
                    """
                    INSERT INTO variants (id, product_id, sku, options, option_key, price, archived, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7)
                    """,
                    [
                        .text(id), .text(productID), .text(input.sku), .text(try ProductRecords.encodeJSON(choice)),
                        .text(key), input.price.map { SQLValue($0) } ?? .null, .text(now),
                    ])
                try transaction.execute(
                    "INSERT INTO variant_inventory (variant_id, on_hand, reserved) VALUES ($1, $2, 0)",
                    [.text(id), SQLValue(input.onHand ?? 0)])
                try transaction.execute("UPDATE products SET updated_at = $2 WHERE id = $1", [.text(productID), .text(now)])
                return try VariantRecords.find(id, of: productID, in: transaction)
            }
            guard let variant else { throw FunctionError.notFound("the new variant vanished") }
            return .created(variant, location: "/products/\(productID)/variants/\(id)")
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict("another product or variant has the SKU \(input.sku)", code: "sku-taken")
        }
    }
}

/// SKUs are unique shop-wide: across products and variants (each table's own UNIQUE covers
/// itself; these checks cover the other table). Each check first takes the SKU's lock for the
/// rest of the transaction — a PostgreSQL advisory lock on the SKU, SQLite's single writer
/// (`BEGIN IMMEDIATE`) — so a product and a variant written at the same moment with one SKU are
/// serialised, and the second one's check sees the first one's committed row.
enum VariantSKU {
    static func isProductSKU(_ sku: String, in transaction: Transaction) throws -> Bool {
        try lock(sku, in: transaction)
        return try !transaction.query("SELECT id FROM products WHERE sku = $1", [.text(sku)]).isEmpty
    }

    static func isVariantSKU(_ sku: String, in transaction: Transaction) throws -> Bool {
        try lock(sku, in: transaction)
        return try !transaction.query("SELECT id FROM variants WHERE sku = $1", [.text(sku)]).isEmpty
    }

    private static func lock(_ sku: String, in transaction: Transaction) throws {
        if transaction.dialect == .postgres {
            try transaction.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("catalog.sku:" + sku)])
        }
    }

    static func hasVariants(_ productID: String, in transaction: Transaction) throws -> Bool {
        try !transaction.query("SELECT id FROM variants WHERE product_id = $1 LIMIT 1", [.text(productID)]).isEmpty
    }

    /// The product's options; 404 `product-not-found` when there is no such product.
    static func options(of productID: String, in transaction: Transaction) throws -> [ProductOption] {
        guard CatalogID.isWellFormed(productID),
            let text = try transaction.query("SELECT options FROM products WHERE id = $1", [.text(productID)]).first?
                .string("options")
        else { throw FunctionError.notFound("no such product", code: "product-not-found") }
        return try JSONCoding.decode([ProductOption].self, from: Array(text.utf8))
    }
}
