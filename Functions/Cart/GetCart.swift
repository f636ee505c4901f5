import SokoFunctions

/// `getCart` — GET /cart: the caller's cart priced from the catalog now. An anonymous caller
/// without a token gets an empty cart (none is created by reading).
enum GetCart: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Reply<CartView> {
        let owner = try await CartOwner.resolve(context)
        let now = context.now
        let (id, lines) = try await context.store.transaction { transaction -> (String?, [CartLine]) in
            guard let id = try owner.existingCart(transaction) else { return (nil, []) }
            try CartRepository.touchIfStale(id, at: now, transaction)
            return (id, try CartRepository.lines(id, transaction))
        }
        return try await CartView.priced(id: id, lines: lines, owner: owner, context: context).reply
    }
}
