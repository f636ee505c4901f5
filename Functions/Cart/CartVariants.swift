import Contracts
import SokoFunctions

/// Cart lines of products sold as variants (docs/commerce.md, "Variants"): such a product goes in
/// the cart only as one of its variants, a line per variant. `PATCH` and `DELETE
/// /cart/items/{product_id}` name a variant's line with the `variant_id` query parameter.
enum CartVariants {
    /// Refuses a line that names no variant of a product sold as variants (422
    /// `variant-required`), an unknown variant (404 `variant-not-found`), an archived one (422
    /// `variant-archived`), or a variant of a product without any (422 `validation-failed`).
    static func check(_ variantID: String?, of product: ProductSummary) throws {
        guard let variants = product.variants else {
            guard variantID == nil else {
                throw FunctionError.validation([FieldError(field: "variant_id", message: "the product has no variants")])
            }
            return
        }
        guard let variantID else {
            throw FunctionError(
                status: 422, code: "variant-required", detail: "product \(product.id) is sold as variants: choose one",
                errors: [FieldError(field: "variant_id", message: "is required for this product")])
        }
        guard let variant = variants.first(where: { $0.id == variantID }) else {
            throw FunctionError.notFound("product \(product.id) has no variant \(variantID)", code: "variant-not-found")
        }
        guard !variant.archived else {
            throw FunctionError(
                status: 422, code: "variant-archived", detail: "variant \(variantID) is no longer sold",
                errors: [FieldError(field: "variant_id", message: "is no longer sold")])
        }
    }

    /// The line a `PATCH`/`DELETE /cart/items/{product_id}` names: `?variant_id=` picks a variant's.
    static func line(_ productID: String, context: FunctionContext) throws -> CartLineKey {
        let variantID = context.request.query["variant_id"].flatMap { $0.isEmpty ? nil : $0 }
        if let variantID { try CartLimits.check(productID: variantID, field: "variant_id") }
        return CartLineKey(productID: productID, variantID: variantID)
    }
}
