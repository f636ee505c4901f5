import SokoFunctions

/// `updateCartItem` — PATCH /cart/items/{product_id}[?variant_id=] `{quantity}`: sets the line's quantity
/// (0…`SOKO_MAX_LINE_QUANTITY`, 20 by default; 0 removes the line, and removing a line that is not there is not an error).
/// 404 `item-not-found` when setting a quantity on a product the cart does not hold.
struct UpdateCartItem: DependentFunction {
    let settings: CartSettings

    struct Input: Decodable, Sendable {
        var quantity: Int

        enum CodingKeys: String, CodingKey { case quantity }

        init(from decoder: Decoder) throws {
            quantity = try decoder.container(keyedBy: CodingKeys.self).decode(WholeNumber.self, forKey: .quantity).value
        }
    }

    func run(_ input: Input, context: FunctionContext) async throws -> Reply<CartView> {
        let productID = context.pathParameter("product_id") ?? ""
        try CartLimits.check(productID: productID)
        let line = try CartVariants.line(productID, context: context)
        try CartLimits.check(input.quantity, in: 0...settings.maxLineQuantity)
        let owner = try await CartOwner.resolve(context)
        let (id, lines) = try await context.store.transaction { transaction -> (String?, [CartLine]) in
            guard let id = try owner.existingCart(transaction) else {
                if input.quantity == 0 { return (nil, []) }
                throw CartError.itemNotFound(productID)
            }
            if input.quantity == 0 {
                try CartRepository.remove(line, from: id, transaction)
            } else if try !CartRepository.update(line, quantity: input.quantity, in: id, transaction) {
                throw CartError.itemNotFound(productID)
            }
            try CartRepository.touch(id, at: context.now, transaction)
            return (id, try CartRepository.lines(id, transaction))
        }
        return try await CartView.priced(id: id, lines: lines, owner: owner, context: context).reply
    }
}
