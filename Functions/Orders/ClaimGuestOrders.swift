import Contracts
import SokoFunctions

/// `claimGuestOrders` — on `user.email_verified`: the guest orders placed with the account's email
/// become the account's (they then show in `GET /orders`, and its per-customer coupon uses count
/// for it). Only a *verified* address claims: registering someone else's email gives nothing until
/// the link mailed to that address is used. Idempotent (a redelivery finds no guest orders left).
///
/// An order whose `Idempotency-Key` the account already used for an order of its own stays the
/// guest's (the key must stay unique per customer); its access link keeps working. Each order
/// moved emits `order.claimed` in the same transaction (Payments re-owns its payments).
enum ClaimGuestOrders: EventFunction {
    @discardableResult
    static func run(_ event: Event<UserContact>, context: FunctionContext) async throws -> Int {
        guard let email = EmailAddress.normalised(event.payload.email), !event.payload.userID.isEmpty else { return 0 }
        return try await claim(email: email, for: event.payload.userID, context: context)
    }

    /// Moves `email`'s guest orders to `userID`; returns how many moved.
    static func claim(email: String, for userID: String, context: FunctionContext) async throws -> Int {
        let guest = GuestIdentity.customerID(email: email)
        return try await context.store.transaction { transaction in
            let candidates = try transaction.query(
                """
                SELECT id FROM orders WHERE customer_id = $2
                    AND idempotency_key NOT IN (SELECT idempotency_key FROM orders WHERE customer_id = $1)
                ORDER BY id
                """,
                [.text(userID), .text(guest)]
            ).compactMap { try $0.string("id") }
            var moved = 0
            for orderID in candidates {
                moved += try transaction.claimGuestOrder(orderID, for: userID, at: context.now)
            }
            try transaction.execute(
                "UPDATE coupon_uses SET customer_id = $1 WHERE customer_id = $2", [.text(userID), .text(guest)])
            if moved > 0 {
                context.logger.info("guest orders claimed", metadata: ["user_id": "\(userID)", "orders": "\(moved)"])
            }
            return moved
        }
    }
}
