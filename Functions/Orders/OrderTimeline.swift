import SokoFunctions

/// One step in an order's life, as its timeline shows it: `from` (null for the placement itself),
/// `to`, `at`, `actor` — the role that made it (`customer`, `admin` or `system`), never an id — and
/// `reason` (why it was cancelled). Admins also see `actor_id`.
struct TimelineEntry: Encodable, Sendable, Equatable {
    var from: String?
    var to: String
    var at: String
    var actor: String
    var actorID: String?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case from, to, at, actor, reason
        case actorID = "actor_id"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(at, forKey: .at)
        try container.encode(actor, forKey: .actor)
        try container.encodeIfPresent(actorID, forKey: .actorID)
        try container.encode(reason, forKey: .reason)
    }
}

/// `{order_id, status, items}`: an order's timeline, oldest first.
struct OrderTimeline: Encodable, Sendable {
    var orderID: String
    var status: OrderStatus
    var items: [TimelineEntry]

    enum CodingKeys: String, CodingKey {
        case items, status
        case orderID = "order_id"
    }

    /// Where each state sits in an order's life: ties of `at` (two changes in one millisecond) are
    /// ordered by it.
    static let rank: [String: Int] = [
        "placing": 0, "pending_payment": 1, "confirmed": 1, "rejected": 1, "paid": 2, "shipped": 3, "delivered": 4,
        "cancelled": 5, "refunded": 6,
    ]

    /// The public transitions of `order` from `order_transitions`; with `forAdmin`, each carries
    /// the actor's id too.
    static func load(_ order: Order, forAdmin: Bool, in store: Store) async throws -> OrderTimeline {
        let rows = try await store.query(
            "SELECT from_status, to_status, at, actor, reason FROM order_transitions WHERE order_id = $1",
            [.text(order.id)])
        var entries: [TimelineEntry] = []
        for row in rows {
            let to = try row.string("to_status") ?? ""
            guard OrderStatus(rawValue: to)?.isPublic == true else { continue }
            let from = try row.string("from_status")
            let actor = try row.string("actor") ?? ""
            let role = actor.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            let id = actor.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init)
            entries.append(
                TimelineEntry(
                    from: from == OrderStatus.placing.rawValue ? nil : from, to: to, at: try row.string("at") ?? "",
                    actor: ["customer", "admin"].contains(role) ? role : "system", actorID: forAdmin ? (id ?? actor) : nil,
                    reason: try row.string("reason")))
        }
        entries.sort { ($0.at, rank[$0.to] ?? 9) < ($1.at, rank[$1.to] ?? 9) }
        return OrderTimeline(orderID: order.id, status: order.status, items: entries)
    }
}
