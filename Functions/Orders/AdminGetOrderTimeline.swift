import SokoFunctions

/// `GET /admin/orders/{id}/timeline` (admin) → the order's timeline as ``GetOrderTimeline``
/// answers it, each step with the `actor_id` too (the customer's, admin's or system's name).
enum AdminGetOrderTimeline: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> OrderTimeline {
        let order = try await OrderAccess(context).order(context.pathParameter("id"), in: context.store)
        return try await OrderTimeline.load(order, forAdmin: true, in: context.store)
    }
}
