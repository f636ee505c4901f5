import Contracts
import SokoFunctions

/// `POST /orders/claim` `{access_token}` (a signed-in customer) → the guest order the token opens,
/// now the customer's. For a guest order placed with another address than the account's (or
/// after the account's address was verified): holding the order's access link is the proof. 404
/// `order-not-found` for an unknown or expired token and for an order that is already a customer's
/// (claimed, or never a guest's); 409 `idempotency-key-reused` when the customer already has an
/// order under the guest order's `Idempotency-Key`.
enum ClaimOrder: Function {
    struct Input: Decodable, Sendable {
        var accessToken: String
        enum CodingKeys: String, CodingKey { case accessToken = "access_token" }
    }

    static func run(_ input: Input, context: FunctionContext) async throws -> Order {
        let access = try OrderAccess(context)
        guard let orderID = try await GuestAccessTokens.order(of: input.accessToken, at: context.now, store: context.store)
        else { throw OrdersProblem.orderNotFound }
        do {
            return try await context.store.transaction { transaction in
                let changed = try transaction.claimGuestOrder(orderID, for: access.subject, at: context.now)
                guard changed == 1, let order = try OrderRepository.find(id: orderID, in: transaction), order.status.isPublic
                else { throw OrdersProblem.orderNotFound }
                try transaction.execute(
                    "UPDATE coupon_uses SET customer_id = $1 WHERE order_id = $2", [.text(access.subject), .text(orderID)])
                return order
            }
        } catch StoreError.uniqueViolation {
            throw FunctionError.conflict(
                "you already have an order under this order's Idempotency-Key; it cannot be claimed",
                code: "idempotency-key-reused")
        }
    }
}
