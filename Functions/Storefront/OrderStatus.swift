import ShopWeb
import SokoFunctions

/// `GET /account/orders/{id}/status?payment=`: `{state, order_status, reason}` as JSON, what the
/// waiting page's script polls (`state` is `pending`, `paid` or `failed`).
struct OrderStatus: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let id = web.context.pathParameter("id") ?? ""
        guard web.session.isSignedIn else {
            throw CallProblem(status: 401, code: "unauthorized", detail: "sign in first", fields: [])
        }
        let state = try await PaymentState.load(&web, orderID: id, paymentID: web.request.query["payment"] ?? "")
        return web.finish(try .json(state))
    }
}
