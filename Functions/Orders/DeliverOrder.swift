import SokoFunctions

/// `POST /orders/{id}/deliver` (admin) → the delivered order; emits `order.delivered`. 409 unless
/// the order is `shipped`.
enum DeliverOrder {
    static func run(context: FunctionContext) async throws -> Order {
        let access = try OrderAccess(context)
        guard let id = context.pathParameter("id"), OrderRepository.isOrderID(id) else { throw OrdersProblem.orderNotFound }
        return try await OrderTransitions.apply(orderID: id, to: .delivered, actor: access.actor, store: context.store)
    }
}
