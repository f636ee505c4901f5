import SokoFunctions

/// `GET /orders/{id}/timeline` (the order's owner; 404 for anyone else, as for the order) →
/// `{order_id, status, items: [{from, to, at, actor, reason}]}`, oldest first.
enum GetOrderTimeline: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> OrderTimeline {
        let access = try OrderAccess(context)
        let order = try await access.order(context.pathParameter("id"), in: context.store)
        return try await OrderTimeline.load(order, forAdmin: false, in: context.store)
    }
}
