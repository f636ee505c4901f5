import SokoFunctions

/// Merges a guest cart into a customer's cart: at sign-in, when the login request carries the
/// guest cart's `X-Cart-Token` (Users calls `cart.mergeCart`), and otherwise on the first cart call
/// after sign-in that presents the token.
///
/// - Quantities of a product (of a variant, for one sold as variants) in both carts are summed, capped at 99 and at what the catalog says
///   is available. The cap never takes a line below what the customer's cart already held, and
///   never drops a guest line: one that is out of stock arrives with quantity 1, so it stays
///   visible with its warning. The one exception is a full cart: a guest product the customer's
///   cart lacks is added only while the cart holds fewer than 100 products (a merge keeps the
///   cart's limit, which checkout and the catalog's lookups rely on).
/// - The guest cart is deleted in the same transaction, and deleting it is the first statement:
///   of two concurrent merges only the one whose delete removed the row goes on, so a guest cart
///   is merged at most once. Presenting the token again afterwards finds nothing and changes
///   nothing.
/// - The token is a bearer secret: whoever holds it owns the guest cart, so any signed-in customer
///   presenting it receives its lines.
enum CartMerge: Function {
    static let name = "mergeCart"

    /// `cart.mergeCart` (internal): `{customer_id, cart_token}` → 204, whether or not there was a
    /// guest cart to merge (an unknown or malformed token merges nothing).
    struct Input: Decodable, Sendable {
        var customerID: String
        var cartToken: String
        enum CodingKeys: String, CodingKey {
            case customerID = "customer_id"
            case cartToken = "cart_token"
        }
    }

    static func run(_ input: Input, context: FunctionContext) async throws {
        guard !input.customerID.isEmpty, let token = CartToken(presented: input.cartToken) else { return }
        try await merge(guest: token, into: input.customerID, context: context)
    }

    static func merge(guest token: CartToken, into customer: String, context: FunctionContext) async throws {
        // Availability first, outside the transaction (no remote call inside one).
        let productIDs = try await context.store.transaction { transaction -> [String]? in
            guard let guestID = try CartRepository.cartID(guest: token, transaction) else { return nil }
            let customerLines =
                try CartRepository.cartID(customer: customer, transaction)
                .map { try CartRepository.lines($0, transaction) } ?? []
            return (try CartRepository.lines(guestID, transaction) + customerLines).map(\.productID)
        }
        guard let productIDs else { return }  // no such guest cart: already merged, expired or never issued
        let products = try await CatalogLookup.products(productIDs, context: context)
        let hash = token.hash
        let now = context.now
        try await context.store.transaction { transaction in
            guard
                let guestID = try transaction.query(
                    "DELETE FROM carts WHERE token_hash = $1 AND customer_id IS NULL RETURNING id", [.text(hash)]
                ).first?.string("id")
            else { return }  // a concurrent call merged it first
            let guestLines = try CartRepository.lines(guestID, transaction)
            try CartRepository.removeAll(from: guestID, transaction)
            let cartID = try CartRepository.customerCart(customer, at: now, transaction)
            // Lines are per (product, variant): two variants of one product stay two lines.
            let held = Dictionary(
                try CartRepository.lines(cartID, transaction).map { ($0.key, $0.quantity) }, uniquingKeysWith: +)
            var holding = held.count
            for line in guestLines {
                if held[line.key] == nil {
                    // A product the cart lacks needs a line of its own, and a cart has at most 100.
                    guard holding < CartLimits.maxLines else { continue }
                    holding += 1
                }
                let product = products[line.productID]
                let available = line.variantID.map { product?.variant($0)?.available } ?? product?.available
                let quantity = mergedQuantity(customer: held[line.key] ?? 0, guest: line.quantity, available: available)
                try CartRepository.put(line.key, quantity: quantity, in: cartID, at: now, transaction)
            }
            try CartRepository.touch(cartID, at: now, transaction)
        }
    }

    /// The merged line's quantity. `available` is nil for a product the catalog did not describe
    /// (deleted, or added to the guest cart after the lookup): only the 99 cap applies then.
    static func mergedQuantity(customer: Int, guest: Int, available: Int?) -> Int {
        let sum = min(customer + guest, CartLimits.maxQuantity)
        guard let available else { return sum }
        return min(sum, max(available, customer, 1))
    }
}
