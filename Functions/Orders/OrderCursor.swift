import SokoFunctions

/// A position in a newest-first order list: the last order shown (`created_at`, `id`), as
/// opaque base64url text.
struct OrderCursor: Equatable {
    var createdAt: String
    var id: String

    var text: String { PageCursor.encode([createdAt, id]) }

    /// Nil for anything this service did not hand out.
    init?(text: String) {
        guard let parts = PageCursor.decode(text, parts: 2), parts[0].count == 24, OrderRepository.isOrderID(parts[1])
        else { return nil }
        createdAt = parts[0]
        id = parts[1]
    }

    init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
    }
}

/// One page of orders, newest first.
struct OrderPage: Encodable, Sendable {
    var orders: [Order]
    /// Pass as `?cursor=` for the next page; null on the last page.
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case orders = "items"
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orders, forKey: .orders)
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    /// Public orders matching `conditions` (SQL over `orders`, parameters from `$1`), newest first,
    /// after the cursor in `query`, `?limit=` of them (default 20, at most 100).
    static func load(
        conditions: [String], parameters: [SQLValue], query: QueryParameters, store: Store
    ) async throws -> OrderPage {
        var limit = 20
        if let text = query["limit"] {
            guard let value = Int(text), (1...100).contains(value) else {
                throw FunctionError.badRequest("limit must be an integer from 1 to 100", code: "invalid-limit")
            }
            limit = value
        }
        var conditions = conditions
        var parameters = parameters
        let hidden = [OrderStatus.placing, .rejected].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        conditions.append("status NOT IN (\(hidden))")
        // An empty `cursor=` is no cursor (the first page), as for products.
        if let text = query["cursor"], !text.isEmpty {
            guard let cursor = OrderCursor(text: text) else {
                throw FunctionError.badRequest("the cursor is not one this service handed out", code: "invalid-cursor")
            }
            let at = parameters.count + 1
            conditions.append("(created_at < $\(at) OR (created_at = $\(at) AND id < $\(at + 1)))")
            parameters += [.text(cursor.createdAt), .text(cursor.id)]
        }
        parameters.append(SQLValue(limit + 1))
        let rows = try await store.query(
            """
            SELECT \(Order.columns) FROM orders WHERE \(conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)
            """, parameters)
        let orders = try await OrderRepository.orders(Array(rows.prefix(limit)), in: store)
        var next: String?
        if rows.count > limit, let last = orders.last {
            next = OrderCursor(createdAt: last.createdAt, id: last.id).text
        }
        return OrderPage(orders: orders, nextCursor: next)
    }
}
