import Contracts
import SokoFunctions

/// The catalog's stock calls, by the order they are for.
enum Stock {
    /// All or nothing, idempotent on the order id (a repeat returns the same reservation).
    static func reserve(_ order: Order, ttl: Int, context: FunctionContext) async throws {
        let lines = order.lines.map { ProductQuantity(productID: $0.productID, variantID: $0.variantID, quantity: $0.quantity) }
        _ = try await context.invoke(
            CatalogContract.reserveStock, StockReservationRequest(orderID: order.id, lines: lines, ttlSeconds: ttl))
    }

    /// Releases the order's reservation (or returns committed stock to the shelf), then clears the
    /// order's `release_due` mark. Idempotent; a failure is logged and left to the expiry schedule,
    /// which retries every order still marked.
    @discardableResult
    static func release(orderID: String, context: FunctionContext) async -> Bool {
        do {
            _ = try await context.invoke(CatalogContract.releaseStock, OrderReference(orderID: orderID))
            try await context.store.execute("UPDATE orders SET release_due = 0 WHERE id = $1", [.text(orderID)])
            return true
        } catch let error as InvocationError where (400..<500).contains(error.status) && ![408, 429].contains(error.status) {
            // The catalog refused the request itself: repeating it cannot help, and a mark that never
            // clears would hold a place in every expiry run.
            context.logger.error(
                "stock release refused; not retried",
                metadata: ["order_id": "\(orderID)", "error": "\(error)"])
            _ = try? await context.store.execute("UPDATE orders SET release_due = 0 WHERE id = $1", [.text(orderID)])
            return false
        } catch {
            context.logger.warning(
                "stock release failed; the expiry schedule retries it",
                metadata: ["order_id": "\(orderID)", "error": "\(error)"])
            return false
        }
    }
}

/// `cart.orderPlaced`: takes a cart order's units out of the cart (idempotent on the order id).
enum CartClearing {
    static func clear(_ order: Order, cartToken: String? = nil, context: FunctionContext) async {
        let placed = PlacedOrder(
            orderID: order.id, customerID: order.customerID,
            lines: order.lines.map { ProductQuantity(productID: $0.productID, variantID: $0.variantID, quantity: $0.quantity) },
            fromCart: true, cartToken: cartToken)
        do {
            _ = try await context.invoke(CartContract.orderPlaced, placed)
        } catch {
            context.logger.warning(
                "the cart was not cleared now; order.placed will do it",
                metadata: ["order_id": "\(order.id)", "error": "\(error)"])
        }
    }
}
