import Contracts
import SokoFunctions

extension OrderPlacement {
    /// An order paid on delivery waits days, not minutes, for its money, longer than a reservation
    /// lives: its reserved stock is committed before it is confirmed, so the expiry of reservations
    /// cannot hand its units to someone else. Cancelling it later returns them to the shelf
    /// (`catalog.releaseStock` returns committed stock). When the commit fails the order is
    /// rejected and its stock released, and the rejected order is returned; nil when committed.
    func commitForDelivery(_ order: Order) async throws -> Order? {
        do {
            _ = try await context.invoke(CatalogContract.commitStock, OrderReference(orderID: order.id))
            return nil
        } catch {
            context.logger.error(
                "stock for an order paid on delivery was not committed",
                metadata: ["order_id": "\(order.id)", "error": "\(error)"])
            let problem = StoredProblem(
                status: 409, code: "order-incomplete",
                detail: "placing the order did not complete and nothing was reserved; place it again with a new Idempotency-Key")
            return try await rejectAndRelease(order.id, problem)
        }
    }
}
