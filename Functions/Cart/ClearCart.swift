import SokoFunctions

/// `clearCart` — DELETE /cart: removes every line. A guest cart stays (empty), so its token keeps
/// working.
enum ClearCart: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Reply<CartView> {
        let owner = try await CartOwner.resolve(context)
        let id = try await context.store.transaction { transaction -> String? in
            guard let id = try owner.existingCart(transaction) else { return nil }
            try CartRepository.removeAll(from: id, transaction)
            try CartRepository.touch(id, at: context.now, transaction)
            return id
        }
        return CartView(id: id, lines: [], products: [:], token: owner.token).reply
    }
}
