import SokoFunctions

/// `GET /orders/{id}` → the order (its owner or an admin); 404 for anyone else.
enum GetOrder: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Order {
        try await OrderAccess(context).order(context.pathParameter("id"), in: context.store)
    }
}
