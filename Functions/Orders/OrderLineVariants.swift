import Contracts
import SokoFunctions

/// Order lines of products sold as variants (docs/commerce.md, "Variants"): a line per
/// (product, variant), carrying the variant's SKU, its option text and its effective price as
/// the snapshot.
enum OrderLineVariants {
    /// `order_lines` was keyed by (order, product), which would refuse two variants of one product
    /// in an order. Neither dialect changes a primary key in place, so the table is rebuilt with
    /// `variant_id` ('' for a plain product: a key column cannot be NULL) and `option_text`,
    /// keeping every row.
    static let migration = [
        """
        CREATE TABLE order_lines_v2 (
            order_id TEXT NOT NULL, product_id TEXT NOT NULL, variant_id TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL, sku TEXT NOT NULL, name TEXT NOT NULL, unit_price BIGINT NOT NULL,
            quantity INTEGER NOT NULL, line_total BIGINT NOT NULL, option_text TEXT,
            PRIMARY KEY (order_id, product_id, variant_id))
        """,
        """
        INSERT INTO order_lines_v2 (order_id, product_id, variant_id, position, sku, name, unit_price, quantity, line_total)
        SELECT order_id, product_id, '', position, sku, name, unit_price, quantity, line_total FROM order_lines
        """,
        "DROP TABLE order_lines",
        "ALTER TABLE order_lines_v2 RENAME TO order_lines",
    ]

    /// The stored `variant_id` as the line carries it (nil for a plain product's '').
    static func variantID(_ stored: String?) -> String? {
        guard let stored, !stored.isEmpty else { return nil }
        return stored
    }
}

/// What an order line is keyed by: the product and, for one sold as variants, the variant.
struct OrderLineKey: Hashable, Sendable {
    var productID: String
    var variantID: String?

    typealias Requested = (key: OrderLineKey, quantity: Int)

    /// The line's SKU, unit price and option text from the catalog's answer: the variant's when
    /// it names one (nil when the variant is unknown or archived), the product's otherwise.
    func priced(_ product: ProductSummary) -> (sku: String, price: Int, optionText: String?)? {
        guard let variantID else { return (product.sku, product.price, nil) }
        guard let variant = product.variant(variantID), !variant.archived else { return nil }
        return (variant.sku, variant.price, variant.optionText)
    }

    /// A line that names no variant of a product sold as variants refuses the order with 422
    /// `variant-required`, naming the lines; one naming a variant of a product without any is
    /// `product-unavailable` (as an unknown product is).
    static func requireVariants(_ keys: [OrderLineKey], _ products: [String: ProductSummary]) throws {
        var missing: [FieldError] = []
        var stray: [FieldError] = []
        for (index, key) in keys.enumerated() {
            guard let product = products[key.productID] else { continue }
            if key.variantID == nil, product.variants != nil {
                missing.append(
                    FieldError(field: "lines[\(index)].variant_id", message: "the product is sold as variants; choose one"))
            } else if key.variantID != nil, product.variants == nil {
                stray.append(FieldError(field: "lines[\(index)].variant_id", message: "the product has no variants"))
            }
        }
        if !missing.isEmpty {
            throw OrderPlacement.Refusal(
                problem: StoredProblem(
                    status: 422, code: "variant-required", detail: "some products are sold as variants: choose one",
                    errors: missing))
        }
        if !stray.isEmpty {
            throw OrderPlacement.Refusal(
                problem: StoredProblem(
                    status: 422, code: "product-unavailable", detail: "some lines name a variant the product does not have",
                    errors: stray))
        }
    }
}
