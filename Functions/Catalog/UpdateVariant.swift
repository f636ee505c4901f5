import SokoFunctions

/// `updateVariant`'s body: any of `sku`, `price` (`null` drops the override: the variant sells
/// at the product's price again) and `archived`. A variant's options do not change: archive it
/// and add another.
struct UpdateVariantInput: Decodable, Sendable {
    var sku: String?
    /// Absent: unchanged; `.some(nil)`: the override goes.
    var price: Int??
    var archived: Bool?

    enum CodingKeys: String, CodingKey { case sku, price, archived }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sku = try container.decodeIfPresent(String.self, forKey: .sku)?.trimmingWhitespace()
        if container.contains(.price) {
            price = .some(try container.decodeNil(forKey: .price) ? nil : container.decodeWholeNumber(forKey: .price))
        }
        archived = try container.decodeIfPresent(Bool.self, forKey: .archived)
    }
}

/// `PATCH /products/{id}/variants/{variant_id}` (admin) → the variant with its counters; 404
/// `variant-not-found`, 422 for a bad SKU or price, 409 `sku-taken`. An archived variant is not
/// sold (reserving it is refused) but stays on the orders that bought it.
enum UpdateVariant: Function {
    static func run(_ input: UpdateVariantInput, context: FunctionContext) async throws -> VariantView {
        let productID = context.pathParameter("id") ?? ""
        let variantID = context.pathParameter("variant_id") ?? ""
        var errors: [FieldError] = []
        if let sku = input.sku, !ProductRules.isSKU(sku) {
            errors.append(FieldError(field: "sku", message: "must be 1 to 64 letters, digits, '-', '_' or '.'"))
        }
        if case .some(.some(let price)) = input.price, price <= 0 || price > ProductRules.maximumPrice {
            errors.append(FieldError(field: "price", message: "must be a positive integer in minor units, or null"))
        }
        guard errors.isEmpty else { throw FunctionError.validation(errors) }
        let now = context.now.timestamp
        do {
            return try await context.store.transaction { transaction in
                guard CatalogID.isWellFormed(variantID), try VariantRecords.find(variantID, of: productID, in: transaction) != nil
                else { throw FunctionError.notFound("no such variant", code: "variant-not-found") }
                if let sku = input.sku {
                    if try VariantSKU.isProductSKU(sku, in: transaction) { throw StoreError.uniqueViolation("sku") }
                    try transaction.execute("UPDATE variants SET sku = $2 WHERE id = $1", [.text(variantID), .text(sku)])
                }
                if let price = input.price {
                    try transaction.execute(
                        "UPDATE variants SET price = $2 WHERE id = $1", [.text(variantID), price.map { SQLValue($0) } ?? .null])
                }
                if let archived = input.archived {
                    try transaction.execute(
                        "UPDATE variants SET archived = $2 WHERE id = $1", [.text(variantID), SQLValue(archived)])
                }
                try transaction.execute("UPDATE variants SET updated_at = $2 WHERE id = $1", [.text(variantID), .text(now)])
                guard let variant = try VariantRecords.find(variantID, of: productID, in: transaction) else {
                    throw FunctionError.notFound("no such variant", code: "variant-not-found")
                }
                return variant
            }
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict("another product or variant has the SKU \(input.sku ?? "")", code: "sku-taken")
        }
    }
}

/// `PUT /products/{id}/variants/{variant_id}/inventory` (admin) `{on_hand}` → the variant with its
/// counters; 404 `variant-not-found`, 422 for a negative count, 409 `stock-reserved` below the
/// units orders in progress hold (as for a product's stock).
enum SetVariantInventory: Function {
    static func run(_ input: SetInventoryInput, context: FunctionContext) async throws -> VariantView {
        let productID = context.pathParameter("id") ?? ""
        let variantID = context.pathParameter("variant_id") ?? ""
        guard input.onHand >= 0 else {
            throw FunctionError.validation([FieldError(field: "on_hand", message: "must be zero or more")])
        }
        return try await context.store.transaction { transaction in
            guard CatalogID.isWellFormed(variantID), try VariantRecords.find(variantID, of: productID, in: transaction) != nil
            else { throw FunctionError.notFound("no such variant", code: "variant-not-found") }
            let changed = try transaction.execute(
                "UPDATE variant_inventory SET on_hand = $2 WHERE variant_id = $1 AND reserved <= $2",
                [.text(variantID), SQLValue(input.onHand)])
            guard let variant = try VariantRecords.find(variantID, of: productID, in: transaction) else {
                throw FunctionError.notFound("no such variant", code: "variant-not-found")
            }
            guard changed > 0 else {
                let reserved = variant.reserved ?? 0
                throw FunctionError(
                    status: 409, code: "stock-reserved",
                    detail: "\(reserved) units are reserved by orders in progress; on_hand cannot go below that",
                    errors: [FieldError(field: "on_hand", message: "must be at least \(reserved)")])
            }
            return variant
        }
    }
}
