import SokoFunctions

/// One recorded state change of an order (`order_transitions`), for the merchant's timeline.
struct OrderTransitionRecord: Encodable, Sendable, Equatable {
    var from: String
    var to: String
    var at: String
    /// `customer:<id>`, `admin:<id>`, `system:expiry`, `payment:<id>`, …
    var actor: String
    var reason: String?
}

/// The order as the merchant's console shows it: the order document plus when it was placed and
/// paid, its timeline, and the states it may move to next (`OrderStateMachine`).
struct AdminOrderDetail: Encodable, Sendable {
    var order: Order
    var transitions: [OrderTransitionRecord]

    enum CodingKeys: String, CodingKey {
        case transitions
        case placedAt = "placed_at"
        case paidAt = "paid_at"
        case nextStates = "next_states"
    }

    /// What an admin may move it to: the transition table, less `refunded` for an order that was
    /// never paid and `paid` (only a payment marks an order paid).
    var nextStates: [OrderStatus] {
        (OrderStateMachine.transitions[order.status] ?? [])
            .filter { $0 != .paid && !($0 == .refunded && order.paidAt == nil) }
            .sorted { $0.rawValue < $1.rawValue }
    }

    func encode(to encoder: Encoder) throws {
        try order.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(order.placedAt, forKey: .placedAt)
        try container.encode(order.paidAt, forKey: .paidAt)
        try container.encode(transitions, forKey: .transitions)
        try container.encode(nextStates, forKey: .nextStates)
    }
}

/// `GET /admin/orders/{id}` (admin) → the order with `placed_at`, `paid_at`, its `transitions`
/// (oldest first: from, to, at, actor, reason) and `next_states`; 404 `order-not-found`.
enum AdminGetOrder: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> AdminOrderDetail {
        let order = try await OrderAccess(context).order(context.pathParameter("id"), in: context.store)
        let rows = try await context.store.query(
            "SELECT from_status, to_status, at, actor, reason FROM order_transitions WHERE order_id = $1 ORDER BY at, to_status",
            [.text(order.id)])
        let transitions = try rows.map {
            OrderTransitionRecord(
                from: try $0.string("from_status") ?? "", to: try $0.string("to_status") ?? "", at: try $0.string("at") ?? "",
                actor: try $0.string("actor") ?? "", reason: try $0.string("reason"))
        }
        return AdminOrderDetail(order: order, transitions: transitions)
    }
}
