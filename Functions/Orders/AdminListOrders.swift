import SokoFunctions

/// `GET /admin/orders?status=&customer_id=&cursor=&limit=` → `{orders, next_cursor}`: every
/// customer's orders, newest first, optionally of one status or one customer.
enum AdminListOrders: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> OrderPage {
        let query = context.request.query
        var conditions: [String] = []
        var parameters: [SQLValue] = []
        if let text = query["status"] {
            guard let status = OrderStatus(rawValue: text), status.isPublic else {
                let choices = OrderStatus.publicCases.map(\.rawValue).joined(separator: ", ")
                throw FunctionError.badRequest("status must be one of: \(choices)", code: "invalid-status")
            }
            parameters.append(.text(status.rawValue))
            conditions.append("status = $\(parameters.count)")
        }
        if let customer = query["customer_id"] {
            // No customer id holds a control character (and PostgreSQL text cannot hold NUL).
            guard !AddressRules.hasControlCharacters(customer) else { return OrderPage(orders: [], nextCursor: nil) }
            parameters.append(.text(customer))
            conditions.append("customer_id = $\(parameters.count)")
        }
        return try await OrderPage.load(
            conditions: conditions, parameters: parameters, query: query, store: context.store)
    }
}
