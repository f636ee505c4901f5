import Contracts
import SokoFunctions

/// The `adoptClaimedPayments` consumer of `order.claimed` (from Orders): a guest order became a
/// customer's, so its payments do too — they were written with the order's `guest:` customer id,
/// and `GET /payments/{id}` answers only its customer. The update is conditional (only rows still
/// a guest's), so a redelivery, or an event that overtakes a payment still being written, changes
/// nothing twice and never takes a payment from a customer.
enum AdoptClaimedPayments: EventFunction {
    @discardableResult
    static func run(_ event: Event<OrderClaimed>, context: FunctionContext) async throws -> Int {
        let claimed = event.payload
        guard !claimed.orderID.isEmpty, !claimed.customerID.isEmpty, !GuestOrdersContract.isGuest(claimed.customerID)
        else { return 0 }
        return try await adopt(orderID: claimed.orderID, customerID: claimed.customerID, context: context)
    }

    /// Makes the `guest:` payments of `orderID` `customerID`'s; the number of payments moved.
    @discardableResult
    static func adopt(orderID: String, customerID: String, context: FunctionContext) async throws -> Int {
        let moved = try await context.store.execute(
            "UPDATE payments SET customer_id = $1, updated_at = $3 WHERE order_id = $2 AND customer_id LIKE 'guest:%'",
            [.text(customerID), .text(orderID), .text(context.now.timestamp)])
        if moved > 0 {
            context.logger.info(
                "claimed order's payments re-owned", metadata: ["order_id": "\(orderID)", "payments": "\(moved)"])
        }
        return moved
    }
}
