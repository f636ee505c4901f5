import SokoFunctions

/// `GET /guest/order` with `X-Order-Access: <token>` → the order the token opens, whatever its
/// id: what the emailed link (`/orders/access/<token>`, which carries no id) needs. 404
/// `order-not-found` for no, a wrong or an expired token.
enum OpenGuestOrder: Function {
    static func run(_: NoInput = NoInput(), context: FunctionContext) async throws -> Order {
        guard let token = context.request.headers[GuestAccess.header],
            let id = try await GuestAccessTokens.order(of: token, at: context.now, store: context.store),
            let order = try await OrderRepository.find(id: id, in: context.store), order.status.isPublic
        else { throw OrdersProblem.orderNotFound }
        return order
    }
}
