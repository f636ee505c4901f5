import SokoFunctions

/// How a guest reaches their order: the path's order id and a live order-access token in the
/// `X-Order-Access` header (a header, not the path or query, so it stays out of access logs and
/// `Referer`). Anything else — no token, a wrong, expired or other order's token, a missing order —
/// answers the same 404 `order-not-found`, so neither ids nor tokens can be probed.
enum GuestAccess {
    static let header = "X-Order-Access"

    static func order(_ context: FunctionContext) async throws -> Order {
        guard let id = context.pathParameter("id"), OrderRepository.isOrderID(id),
            try await GuestAccessTokens.opens(
                context.request.headers[header], orderID: id, at: context.now, store: context.store),
            let order = try await OrderRepository.find(id: id, in: context.store), order.status.isPublic
        else { throw OrdersProblem.orderNotFound }
        return order
    }
}
