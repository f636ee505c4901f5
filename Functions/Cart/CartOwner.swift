import SokoFunctions

/// Whose cart a request addresses: the signed-in customer's, the guest cart whose token was sent,
/// or nobody's yet (an anonymous caller without a token, whose first added item starts a guest cart).
///
/// There are no cart ids in paths: a customer reaches only the cart keyed by their own token's
/// subject, and a guest cart only through its token, which is a bearer secret.
enum CartOwner: Sendable, Equatable {
    case customer(String)
    case guest(CartToken)
    case anonymous

    /// The name of the header that carries a guest cart's token, both ways.
    static let tokenHeader = "X-Cart-Token"

    /// The owner for `context`. A signed-in caller who also presents a guest cart's token gets that
    /// guest cart merged into their own first (see ``CartMerge``); a token that names no guest cart
    /// is then ignored, since the customer's cart does not depend on it. An anonymous caller with a
    /// malformed token is answered 404 `cart-not-found`, as for an unknown one.
    static func resolve(_ context: FunctionContext) async throws -> CartOwner {
        let presented = context.request.headers[tokenHeader].flatMap { $0.isEmpty ? nil : $0 }
        if let identity = context.identity {
            if let presented, let token = CartToken(presented: presented) {
                try await CartMerge.merge(guest: token, into: identity.subject, context: context)
            }
            return .customer(identity.subject)
        }
        guard let presented else { return .anonymous }
        guard let token = CartToken(presented: presented) else { throw CartError.cartNotFound }
        return .guest(token)
    }

    /// The owner's cart id, or nil when there is none yet. A guest token naming no cart throws 404.
    func existingCart(_ transaction: Transaction) throws -> String? {
        switch self {
        case .customer(let customer): return try CartRepository.cartID(customer: customer, transaction)
        case .guest(let token):
            guard let id = try CartRepository.cartID(guest: token, transaction) else { throw CartError.cartNotFound }
            return id
        case .anonymous: return nil
        }
    }

    /// The owner's cart, created when missing; an anonymous caller becomes the guest holding a new token.
    func cart(creating transaction: Transaction, at now: WallTime) throws -> (id: String, owner: CartOwner) {
        switch self {
        case .customer(let customer): return (try CartRepository.customerCart(customer, at: now, transaction), self)
        case .guest:
            guard let id = try existingCart(transaction) else { throw CartError.cartNotFound }
            return (id, self)
        case .anonymous:
            let token = CartToken.generate()
            return (try CartRepository.createGuestCart(token, at: now, transaction), .guest(token))
        }
    }

    /// The guest's token, to hand back (nil for a customer).
    var token: CartToken? {
        if case .guest(let token) = self { return token }
        return nil
    }
}
