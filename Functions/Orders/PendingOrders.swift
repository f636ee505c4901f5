import SokoFunctions

/// The cap on a customer's unpaid orders (`SOKO_MAX_PENDING_ORDERS`): every `placing`,
/// `pending_payment` or `confirmed` (pay on delivery, not yet collected) order holds stock, so
/// without a cap one customer could hold a shop's stock with orders never paid.
///
/// The decision is made in the transaction that inserts the order, after the insert, serialised per
/// customer — an advisory lock on PostgreSQL, SQLite's single writer (`BEGIN IMMEDIATE`) — so
/// concurrent placements with different keys cannot both pass. A repeat of a key never gets here:
/// it finds its order first.
enum PendingOrders {
    /// Unlocked, before pricing: a customer already at the cap is refused without calls to the cart
    /// and catalog. Not the decision (see ``enforce(customerID:limit:in:)``).
    static func check(customerID: String, limit: Int, store: Store) async throws {
        let rows = try await store.query(countSQL, [.text(customerID)])
        if try (rows.first?.int("n") ?? 0) >= limit { throw tooMany(limit) }
    }

    /// Serialises the customer's placements until the transaction ends. Call before the insert.
    static func lock(customerID: String, in transaction: Transaction) throws {
        if transaction.dialect == .postgres {
            try transaction.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("orders.pending:" + customerID)])
        }
    }

    /// After the insert, in the same transaction: throws (rolling the order back) when the customer
    /// now holds more than `limit` unpaid orders.
    static func enforce(customerID: String, limit: Int, in transaction: Transaction) throws {
        let rows = try transaction.query(countSQL, [.text(customerID)])
        if try (rows.first?.int("n") ?? 0) > limit { throw tooMany(limit) }
    }

    static let countSQL =
        "SELECT COUNT(*) AS n FROM orders WHERE customer_id = $1 AND status IN ('placing', 'pending_payment', 'confirmed')"

    /// 409 `too-many-pending-orders`. Not stored with the key: a repeat after paying or cancelling
    /// an order places it.
    static func tooMany(_ limit: Int) -> FunctionError {
        FunctionError(
            status: 409, code: "too-many-pending-orders",
            detail:
                "you already have \(limit) orders awaiting payment, the most allowed; pay or cancel one of them before placing another"
        )
    }
}
