import SokoFunctions

/// `GET /orders?cursor=&limit=` → `{orders, next_cursor}`: the caller's orders, newest first.
enum ListOrders: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> OrderPage {
        let access = try OrderAccess(context)
        return try await OrderPage.load(
            conditions: ["customer_id = $1"], parameters: [.text(access.subject)], query: context.request.query,
            store: context.store)
    }
}
