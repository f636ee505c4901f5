import SokoFunctions

/// `addToCart` — POST /cart/items `{product_id, variant_id?, quantity}`: adds to the line of the
/// product — of the variant, for a product sold as variants — (a new line goes last). An anonymous caller starts a guest cart and gets its token back in `X-Cart-Token`
/// and `cart_token`.
///
/// 404 `product-not-found`, 422 `product-archived`, 422 `variant-required` (the product is sold as
/// variants and none was named), 404 `variant-not-found`, 422 `variant-archived`, 422 `currency-mismatch` (one cart, one
/// currency), 422 `validation-failed` for a quantity outside 1…`SOKO_MAX_LINE_QUANTITY` (20) or a
/// line that would pass it,
/// 422 `cart-full` past 100 products. Stock is not checked here: the cart shows a warning and
/// the order's reservation is where stock is enforced.
struct AddToCart: DependentFunction {
    let settings: CartSettings

    struct Input: Decodable, Sendable {
        var productID: String
        var variantID: String?
        var quantity: Int
        enum CodingKeys: String, CodingKey {
            case productID = "product_id"
            case variantID = "variant_id"
            case quantity
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            productID = try container.decode(String.self, forKey: .productID)
            variantID = try container.decodeIfPresent(String.self, forKey: .variantID)
            quantity = try container.decode(WholeNumber.self, forKey: .quantity).value
        }
    }

    func run(_ input: Input, context: FunctionContext) async throws -> Reply<CartView> {
        let limit = settings.maxLineQuantity
        try CartLimits.check(productID: input.productID)
        if let variantID = input.variantID { try CartLimits.check(productID: variantID, field: "variant_id") }
        try CartLimits.check(input.quantity, in: 1...limit)
        let owner = try await CartOwner.resolve(context)
        let held = try await context.store.transaction { transaction -> [CartLine] in
            try owner.existingCart(transaction).map { try CartRepository.lines($0, transaction) } ?? []
        }
        let products = try await CatalogLookup.products([input.productID] + held.map(\.productID), context: context)
        guard let product = products[input.productID] else { throw CartError.productNotFound(input.productID) }
        guard !product.archived else { throw CartError.productArchived(input.productID) }
        try CartVariants.check(input.variantID, of: product)
        let key = CartLineKey(productID: input.productID, variantID: input.variantID)
        let cartCurrency = CartView(id: nil, lines: held, products: products, token: nil).currency
        if let cartCurrency, cartCurrency != product.currency {
            throw CartError.currencyMismatch(product: product.currency, cart: cartCurrency)
        }

        let now = context.now
        let (id, owned, lines) = try await context.store.transaction { transaction in
            let (id, owned) = try owner.cart(creating: transaction, at: now)
            let lines = try CartRepository.lines(id, transaction)
            let holding = lines.first { $0.key == key }?.quantity
            if holding == nil, lines.count >= CartLimits.maxLines { throw CartError.cartFull }
            guard try CartRepository.add(key, quantity: input.quantity, to: id, limit: limit, at: now, transaction)
            else {
                throw CartError.quantityOverLimit(holding: holding ?? 0, limit: limit)
            }
            try CartRepository.touch(id, at: now, transaction)
            return (id, owned, try CartRepository.lines(id, transaction))
        }
        return try await CartView.priced(id: id, lines: lines, owner: owned, known: products, context: context).reply
    }
}
