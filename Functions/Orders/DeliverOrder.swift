import SokoFunctions

/// `POST /orders/{id}/deliver` (admin) → the delivered order; emits `order.delivered`. 409 unless
/// the order is `shipped`.
enum DeliverOrder: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Order {
        let access = try OrderAccess(context)
        guard let id = context.pathParameter("id"), OrderRepository.isOrderID(id) else { throw OrdersProblem.orderNotFound }
        return try await OrderTransitions.apply(
            orderID: id, to: .delivered, actor: access.actor, at: context.now, store: context.store)
    }
}
