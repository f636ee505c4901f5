import Contracts
import SokoFunctions

/// `POST /guest/orders/{id}/pay` (public) with `X-Order-Access: <token>`: ``PayOrder`` for a guest
/// order — the same body (`{method: "mpesa", phone}` or `{method: "stripe"}`), answers and
/// problems. The order must be one the token opens (Orders checks it, `orders.paymentDetails`
/// with `access_token`); anything else is 404 `order-not-found`, as for a missing order.
struct GuestPayOrder: DependentFunction {
    let pay: PayOrder

    func run(_ input: PayOrder.Input, context: FunctionContext) async throws -> Reply<PayOrder.Started> {
        guard let token = context.request.headers["X-Order-Access"], !token.isEmpty, token.utf8.count <= 64 else {
            throw PaymentsProblem.orderNotFound
        }
        return try await pay.start(input, customerID: nil, accessToken: token, context: context)
    }
}
