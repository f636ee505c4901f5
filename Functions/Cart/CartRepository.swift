import SokoFunctions

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One line of a cart as stored: a product, or one variant of it.
struct CartLine: Sendable, Equatable {
    var productID: String
    var variantID: String? = nil
    var quantity: Int

    /// What a line is keyed by: no two lines of a cart share it.
    var key: CartLineKey { CartLineKey(productID: productID, variantID: variantID) }
}

/// A cart line's identity: the product and, for one sold as variants, the variant.
struct CartLineKey: Hashable, Sendable {
    var productID: String
    var variantID: String?

    /// The `variant_id` column's value ('' for a plain product).
    var variantColumn: SQLValue { .text(variantID ?? "") }
}

/// The cart tables' statements, run inside the caller's transaction.
enum CartRepository {
    static func cartID(customer: String, _ transaction: Transaction) throws -> String? {
        try transaction.query("SELECT id FROM carts WHERE customer_id = $1", [.text(customer)]).first?.string("id")
    }

    static func cartID(guest token: CartToken, _ transaction: Transaction) throws -> String? {
        try transaction.query(
            "SELECT id FROM carts WHERE token_hash = $1 AND customer_id IS NULL", [.text(token.hash)]
        ).first?.string("id")
    }

    /// The customer's cart, created when there is none (concurrent creators end up with the same one).
    static func customerCart(_ customer: String, at now: WallTime, _ transaction: Transaction) throws -> String {
        if let id = try cartID(customer: customer, transaction) { return id }
        try transaction.execute(
            """
            INSERT INTO carts (id, customer_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
            ON CONFLICT (customer_id) DO NOTHING
            """,
            [.text(newID()), .text(customer), .text(now.timestamp)])
        guard let id = try cartID(customer: customer, transaction) else {
            throw StoreError.database("the customer's cart vanished while it was created")
        }
        return id
    }

    /// A new guest cart for `token`.
    static func createGuestCart(_ token: CartToken, at now: WallTime, _ transaction: Transaction) throws -> String {
        let id = newID()
        try transaction.execute(
            "INSERT INTO carts (id, token_hash, created_at, updated_at) VALUES ($1, $2, $3, $3)",
            [.text(id), .text(token.hash), .text(now.timestamp)])
        return id
    }

    /// The cart's lines, oldest first.
    static func lines(_ cartID: String, _ transaction: Transaction) throws -> [CartLine] {
        try transaction.query(
            "SELECT product_id, variant_id, quantity FROM cart_items WHERE cart_id = $1 ORDER BY seq, product_id, variant_id",
            [.text(cartID)]
        ).map { row in
            let variant = try row.string("variant_id") ?? ""
            return CartLine(
                productID: try row.string("product_id") ?? "", variantID: variant.isEmpty ? nil : variant,
                quantity: try row.int("quantity") ?? 0)
        }
    }

    /// Adds `quantity` to the product's line (a new line goes last). Returns false, changing
    /// nothing, when the line would pass `limit`.
    static func add(
        _ line: CartLineKey, quantity: Int, to cartID: String, limit: Int, at now: WallTime, _ transaction: Transaction
    ) throws -> Bool {
        // One statement, so concurrent adds to the same line cannot lose one another's quantity.
        try transaction.execute(
            """
            INSERT INTO cart_items (cart_id, product_id, variant_id, quantity, seq, added_at)
            VALUES ($1, $2, $6, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM cart_items WHERE cart_id = $1), $4)
            ON CONFLICT (cart_id, product_id, variant_id) DO UPDATE SET quantity = cart_items.quantity + excluded.quantity
            WHERE cart_items.quantity + excluded.quantity <= $5
            """,
            [
                .text(cartID), .text(line.productID), .integer(Int64(quantity)), .text(now.timestamp), .integer(Int64(limit)),
                line.variantColumn,
            ]) == 1
    }

    /// Sets the product's line to exactly `quantity` (creating it last when missing).
    static func put(
        _ line: CartLineKey, quantity: Int, in cartID: String, at now: WallTime, _ transaction: Transaction
    ) throws {
        try transaction.execute(
            """
            INSERT INTO cart_items (cart_id, product_id, variant_id, quantity, seq, added_at)
            VALUES ($1, $2, $5, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM cart_items WHERE cart_id = $1), $4)
            ON CONFLICT (cart_id, product_id, variant_id) DO UPDATE SET quantity = excluded.quantity
            """,
            [.text(cartID), .text(line.productID), .integer(Int64(quantity)), .text(now.timestamp), line.variantColumn])
    }

    /// Sets an existing line's quantity; returns false when the cart has no such line.
    static func update(_ line: CartLineKey, quantity: Int, in cartID: String, _ transaction: Transaction) throws -> Bool {
        try transaction.execute(
            "UPDATE cart_items SET quantity = $1 WHERE cart_id = $2 AND product_id = $3 AND variant_id = $4",
            [.integer(Int64(quantity)), .text(cartID), .text(line.productID), line.variantColumn]) == 1
    }

    @discardableResult
    static func remove(_ line: CartLineKey, from cartID: String, _ transaction: Transaction) throws -> Bool {
        try transaction.execute(
            "DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2 AND variant_id = $3",
            [.text(cartID), .text(line.productID), line.variantColumn]) == 1
    }

    static func removeAll(from cartID: String, _ transaction: Transaction) throws {
        try transaction.execute("DELETE FROM cart_items WHERE cart_id = $1", [.text(cartID)])
    }

    /// Records activity (a guest cart untouched for ``CartLimits/guestLifetimeSeconds`` expires).
    static func touch(_ cartID: String, at now: WallTime, _ transaction: Transaction) throws {
        try transaction.execute("UPDATE carts SET updated_at = $1 WHERE id = $2", [.text(now.timestamp), .text(cartID)])
    }

    /// Records a read: writes only when the last activity is more than a day old, so reads stay
    /// cheap while an active guest's cart never expires.
    static func touchIfStale(_ cartID: String, at now: WallTime, _ transaction: Transaction) throws {
        let dayAgo = now.adding(seconds: -86_400).timestamp
        try transaction.execute(
            "UPDATE carts SET updated_at = $1 WHERE id = $2 AND updated_at < $3",
            [.text(now.timestamp), .text(cartID), .text(dayAgo)])
    }

    private static func newID() -> String { UUID().uuidString.lowercased() }
}
