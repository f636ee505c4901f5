import SokoFunctions

/// `expireCarts` — every hour: deletes guest carts untouched for 30 days. Customers' carts stay.
enum ExpireCarts: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws {
        let cutoff = context.now.adding(seconds: -CartLimits.guestLifetimeSeconds).timestamp
        let deleted = try await context.store.transaction { transaction in
            try transaction.execute(
                """
                DELETE FROM cart_items WHERE cart_id IN
                    (SELECT id FROM carts WHERE customer_id IS NULL AND updated_at < $1)
                """,
                [.text(cutoff)])
            return try transaction.execute(
                "DELETE FROM carts WHERE customer_id IS NULL AND updated_at < $1", [.text(cutoff)])
        }
        if deleted > 0 { context.logger.info("expired guest carts", metadata: ["count": "\(deleted)"]) }
    }
}
