import SokoFunctions

/// The Cart service's problems, by their stable codes.
enum CartError {
    /// An `X-Cart-Token` that names no guest cart (never issued, expired or merged after login).
    static let cartNotFound = FunctionError.notFound(
        "no cart for this X-Cart-Token (it may have expired or been merged into an account); drop it and start a new cart",
        code: "cart-not-found")

    static func productNotFound(_ id: String) -> FunctionError {
        .notFound("no product \(id)", code: "product-not-found")
    }

    static func itemNotFound(_ id: String) -> FunctionError {
        .notFound("the cart has no line for product \(id)", code: "item-not-found")
    }

    static func productArchived(_ id: String) -> FunctionError {
        FunctionError(
            status: 422, code: "product-archived", detail: "product \(id) is no longer sold",
            errors: [FieldError(field: "product_id", message: "is no longer sold")])
    }

    static func currencyMismatch(product: String, cart: String) -> FunctionError {
        FunctionError(
            status: 422, code: "currency-mismatch",
            detail: "the product is priced in \(product) but the cart holds \(cart) items; one cart holds one currency",
            errors: [FieldError(field: "product_id", message: "is priced in \(product), the cart in \(cart)")])
    }

    static func quantityOverLimit(holding: Int, limit: Int) -> FunctionError {
        .validation(
            [
                FieldError(
                    field: "quantity",
                    message: "a cart holds at most \(limit) of a product (it holds \(holding))")
            ],
            detail: "the line would exceed \(limit)")
    }

    static let cartFull = FunctionError(
        status: 422, code: "cart-full", detail: "a cart holds at most \(CartLimits.maxLines) different products")
}

/// How much one cart may hold.
enum CartLimits {
    /// The schema's ceiling for a line (the CHECK on `cart_items.quantity`); the configured limit,
    /// ``CartSettings/maxLineQuantity``, is at most this.
    static let maxQuantity = 99
    static let maxLines = 100
    /// Guest carts untouched this long are deleted by `expireCarts`.
    static let guestLifetimeSeconds = 30 * 24 * 3600

    /// A 422 naming `field` unless `quantity` is within `range`.
    static func check(_ quantity: Int, in range: ClosedRange<Int>, field: String = "quantity") throws {
        guard range.contains(quantity) else {
            throw FunctionError.validation([
                FieldError(field: field, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            ])
        }
    }

    /// A 422 unless `id` looks like a product id (the catalog decides whether it is one): 1 to 64
    /// characters (Unicode scalars, as the OpenAPI `maxLength` counts them). Control characters are
    /// refused here: PostgreSQL text cannot hold NUL, so such an id would otherwise fail in the
    /// store with a 500.
    static func check(productID id: String, field: String = "product_id") throws {
        guard !id.isEmpty, id.unicodeScalars.count <= 64,
            !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw FunctionError.validation([
                FieldError(field: field, message: "must be a product id (1 to 64 characters, no control characters)")
            ])
        }
    }
}
