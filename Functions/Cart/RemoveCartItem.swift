import SokoFunctions

/// `removeCartItem` — DELETE /cart/items/{product_id}[?variant_id=]: removes the line (a variant's
/// line is named by `variant_id` in the query); removing one that is not
/// there answers the cart as it is (the request's goal holds).
enum RemoveCartItem: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Reply<CartView> {
        let productID = context.pathParameter("product_id") ?? ""
        try CartLimits.check(productID: productID)
        let line = try CartVariants.line(productID, context: context)
        let owner = try await CartOwner.resolve(context)
        let (id, lines) = try await context.store.transaction { transaction -> (String?, [CartLine]) in
            guard let id = try owner.existingCart(transaction) else { return (nil, []) }
            if try CartRepository.remove(line, from: id, transaction) {
                try CartRepository.touch(id, at: context.now, transaction)
            }
            return (id, try CartRepository.lines(id, transaction))
        }
        return try await CartView.priced(id: id, lines: lines, owner: owner, context: context).reply
    }
}
