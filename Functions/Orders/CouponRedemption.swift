import Contracts
import SokoFunctions

/// Spending a coupon on an order, and giving the use back, inside the Orders store transaction
/// that prices (or cancels) the order — so a use exists exactly when its order holds the discount.
///
/// Concurrency: the conditional `UPDATE coupons SET used = used + 1 … AND used < max_uses` is the
/// guard for the total limit — it affects one row or none, and on PostgreSQL it waits for a
/// concurrent use of the same coupon and re-checks the condition, so twenty orders racing for the
/// last use get it once. The row lock it takes also serialises the per-customer count that
/// follows (read committed: that count sees every use committed before the lock was granted);
/// SQLite transactions are serialised anyway. `coupon_uses` holds one row per (coupon, order).
enum CouponRedemption {
    /// Redeems `code` for the order and returns the totals with the discount, recording the use.
    /// - Throws: ``OrderPlacement/Refusal`` with 422 `coupon-invalid` (unknown, inactive, other
    ///   currency), `coupon-expired` (outside its window), `coupon-minimum-not-met`,
    ///   `coupon-exhausted` (no use left in all or for this customer); nothing is recorded then.
    static func redeem(
        code: String, orderID: String, customerID: String, currency: String, lines: [OrderLine], settings: OrdersSettings,
        at now: String, in transaction: Transaction
    ) throws -> OrderTotals {
        let coupon = try Coupon.find(code: code, in: transaction)
        let subtotal = lines.reduce(0) { $0 &+ $1.lineTotal }
        try check(coupon, code: code, currency: currency, subtotal: subtotal, at: now)
        guard let coupon else { throw CouponProblem.invalid("\(code) is not a valid coupon code") }
        let taken = try transaction.execute(
            """
            UPDATE coupons SET used = used + 1, updated_at = $2
            WHERE code = $1 AND active = 1 AND (max_uses IS NULL OR used < max_uses)
            """,
            [.text(code), .text(now)])
        guard taken == 1 else { throw refusal("coupon-exhausted", "\(code) has been used up") }
        if let perCustomer = coupon.maxUsesPerCustomer {
            let mine =
                try transaction.query(
                    "SELECT COUNT(*) AS n FROM coupon_uses WHERE coupon_code = $1 AND customer_id = $2",
                    [.text(code), .text(customerID)]
                ).first?.int("n") ?? 0
            guard mine < perCustomer else {
                try transaction.execute("UPDATE coupons SET used = used - 1 WHERE code = $1", [.text(code)])
                throw refusal(
                    "coupon-exhausted",
                    "\(code) can be used \(perCustomer == 1 ? "once" : "\(perCustomer) times") per customer, and you have used it up"
                )
            }
        }
        guard
            let totals = OrderTotals.compute(
                lineTotals: lines.map(\.lineTotal), settings: settings, discount: { coupon.discount(on: $0) })
        else {
            try transaction.execute("UPDATE coupons SET used = used - 1 WHERE code = $1", [.text(code)])
            throw refusal("order-too-large", "the order total is too large")
        }
        try transaction.execute(
            "INSERT INTO coupon_uses (coupon_code, order_id, customer_id, used_at) VALUES ($1, $2, $3, $4)",
            [.text(code), .text(orderID), .text(customerID), .text(now)])
        return totals
    }

    /// Gives the order's coupon use back (an unpaid order cancelled, expired or rejected): deletes
    /// its `coupon_uses` row and, if there was one, lowers the coupon's count. The order keeps its
    /// discount and `coupon_code` as a record of what it was offered.
    static func giveBack(orderID: String, in transaction: Transaction) throws {
        let rows = try transaction.query("SELECT coupon_code FROM coupon_uses WHERE order_id = $1", [.text(orderID)])
        for row in rows {
            guard let code = try row.string("coupon_code") else { continue }
            let deleted = try transaction.execute(
                "DELETE FROM coupon_uses WHERE coupon_code = $1 AND order_id = $2", [.text(code), .text(orderID)])
            if deleted == 1 {
                try transaction.execute(
                    "UPDATE coupons SET used = used - 1 WHERE code = $1 AND used > 0", [.text(code)])
            }
        }
    }

    /// The checks that need no lock: known and active, inside its window, the order's currency,
    /// the minimum subtotal. Shared with ``ValidateCoupon`` (which also reads the use counts).
    /// - Throws: ``OrderPlacement/Refusal`` with the 422 problem.
    static func check(_ coupon: Coupon?, code: String, currency: String, subtotal: Int, at now: String) throws {
        guard let coupon, coupon.active else {
            throw CouponProblem.invalid("\(code) is not a valid coupon code")
        }
        if let starts = coupon.startsAt, now < starts {
            throw refusal("coupon-expired", "\(code) can be used from \(starts)")
        }
        if let ends = coupon.endsAt, now >= ends {
            throw refusal("coupon-expired", "\(code) expired at \(ends)")
        }
        if let couponCurrency = coupon.currency, couponCurrency != currency {
            throw CouponProblem.invalid("\(code) applies to orders in \(couponCurrency), not \(currency)")
        }
        if subtotal < coupon.minimumSubtotal {
            throw refusal(
                "coupon-minimum-not-met",
                "\(code) needs a subtotal of at least \(coupon.minimumSubtotal) \(currency) minor units; this order's is \(subtotal)"
            )
        }
    }

    static func refusal(_ code: String, _ detail: String) -> OrderPlacement.Refusal {
        OrderPlacement.Refusal(problem: StoredProblem(status: 422, code: code, detail: detail))
    }
}
