import SokoFunctions

/// `GET /guest/orders/{id}` with `X-Order-Access: <token>` → the order (``GuestAccess``); 404 otherwise.
enum GetGuestOrder: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Order {
        try await GuestAccess.order(context)
    }
}
