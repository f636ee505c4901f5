import Contracts
import SokoFunctions

/// `clearOrderedItems` — on `order.placed` — and `orderPlaced` — called by orders as soon as the
/// order is confirmed — take the ordered quantities out of the customer's cart, once per order
/// whichever arrives first (the call makes the cart right before the customer sees the order; the
/// event is the backstop when the call could not be made).
///
/// Lines are decremented by the ordered quantity (and deleted at 0) rather than removed, so units
/// the customer added after checkout read the cart stay in it.
enum ClearOrderedItems: EventFunction {
    /// Returns false when the order had already been cleared (a redelivery, or the call came first).
    @discardableResult
    static func run(_ event: Event<PlacedOrder>, context: FunctionContext) async throws -> Bool {
        try await clear(event.payload, context: context)
    }

    @discardableResult
    static func clear(_ placed: PlacedOrder, context: FunctionContext) async throws -> Bool {
        // A guest order's cart is known only to Orders' call (by its token, which events never
        // carry): the event leaves it to that call rather than mark the order cleared first.
        let guest = placed.cartToken.flatMap(CartToken.init(presented:))
        if guest == nil && GuestOrdersContract.isGuest(placed.customerID) { return false }
        return try await context.store.transaction { transaction in
            guard try transaction.markProcessed(eventID: "order:\(placed.orderID)", consumer: "cart.clearOrderedItems")
            else { return false }
            guard placed.fromCart != false else { return true }
            let cart =
                try guest.map { try CartRepository.cartID(guest: $0, transaction) }
                ?? CartRepository.cartID(customer: placed.customerID, transaction)
            guard let cartID = cart else { return true }
            for line in placed.lines where line.quantity > 0 {
                // Delete first: a line the decrement reduced must not then match the delete.
                let variant = SQLValue.text(line.variantID ?? "")
                try transaction.execute(
                    "DELETE FROM cart_items WHERE cart_id = $1 AND product_id = $2 AND variant_id = $4 AND quantity <= $3",
                    [.text(cartID), .text(line.productID), .integer(Int64(line.quantity)), variant])
                try transaction.execute(
                    "UPDATE cart_items SET quantity = quantity - $1 WHERE cart_id = $2 AND product_id = $3 AND variant_id = $4",
                    [.integer(Int64(line.quantity)), .text(cartID), .text(line.productID), variant])
            }
            try CartRepository.touch(cartID, at: context.now, transaction)
            return true
        }
    }
}

/// `orderPlaced` (internal) — Orders' call as soon as an order is confirmed: `order.placed`'s
/// payload → 204, the same clearing as ``ClearOrderedItems`` (whichever comes first acts).
enum OrderPlaced: Function {
    static func run(_ placed: PlacedOrder, context: FunctionContext) async throws {
        try await ClearOrderedItems.clear(placed, context: context)
    }
}
