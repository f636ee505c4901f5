import Contracts
import SokoFunctions

extension Transaction {
    /// Gives the guest order `orderID` to `customerID` if it is still a guest's, and then emits
    /// `order.claimed` — in this transaction, so the event exists exactly when the order moved
    /// (Payments re-owns the order's payments on it). Returns how many orders moved (0 or 1).
    func claimGuestOrder(_ orderID: String, for customerID: String, at now: WallTime) throws -> Int {
        let changed = try execute(
            "UPDATE orders SET customer_id = $2, updated_at = $3 WHERE id = $1 AND customer_id LIKE 'guest:%'",
            [.text(orderID), .text(customerID), .text(now.timestamp)])
        if changed == 1 { try emit(OrderEvents.claimed, OrderClaimed(orderID: orderID, customerID: customerID)) }
        return changed
    }
}
