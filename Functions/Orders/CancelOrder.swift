import SokoFunctions

/// `POST /orders/{id}/cancel` → the cancelled order (its owner or an admin; 404 for anyone
/// else). Allowed from `pending_payment` and `paid`; 409 `illegal-transition` once shipped.
///
/// The stock goes back after the cancelling transaction commits (`catalog.releaseStock`: an active
/// reservation is released, committed stock returned to the shelf); if that call fails, the
/// expiry schedule retries it. Refunding a paid order is the payments service's part: it reacts
/// to `order.cancelled` and moves the order on to `refunded`.
enum CancelOrder: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Order {
        let access = try OrderAccess(context)
        guard let id = context.pathParameter("id"), OrderRepository.isOrderID(id) else { throw OrdersProblem.orderNotFound }
        let order = try await OrderTransitions.apply(
            orderID: id, to: .cancelled, actor: access.actor, reason: access.isAdmin ? .admin : .customer,
            ownedBy: access.owner, at: context.now, store: context.store)
        await Stock.release(orderID: id, context: context)
        return order
    }
}
