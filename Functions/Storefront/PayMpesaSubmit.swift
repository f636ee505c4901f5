import ShopWeb
import SokoFunctions

/// `POST /account/orders/{id}/pay/mpesa` (form `phone`): sends the STK push through
/// `payments.payOrder`, then the "check your phone" page. A push still waiting for this order, or one
/// whose outcome is unknown, is followed instead of sending another.
struct PayMpesaSubmit: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        struct Pay: Encodable {
            var method = "mpesa"
            var phone: String
        }
        let id = web.context.pathParameter("id") ?? ""
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id, "/pay")) }
        let phone = form["phone"] ?? ""
        let answer = try await web.call(
            "payments", "payOrder", RouteCall(pathParameters: ["id": id], body: try JSONCoding.encode(Pay(phone: phone))))
        if answer.succeeded {
            let started = try answer.decode(StartedPayment.self)
            return shop.redirect(web, to: OrderText.path(id, "/wait?payment=" + FormEncoding.encode(started.paymentID)))
        }
        // A push already waiting, or one whose answer from Safaricom was lost (503 with the payment's
        // Location: it may still reach the phone, so no second push): follow that payment.
        let followed = ["payment-pending", "gateway-unavailable"]
        if followed.contains(answer.problem.code), let location = answer.headers["Location"],
            let paymentID = location.split(separator: "/").last
        {
            web.flash(
                answer.problem.code == "payment-pending"
                    ? "A prompt was already sent to your phone."
                    : "M-Pesa did not confirm the prompt yet. If it reaches your phone, enter your PIN; this page follows the payment."
            )
            return shop.redirect(web, to: OrderText.path(id, "/wait?payment=" + FormEncoding.encode(String(paymentID))))
        }
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id, "/pay")) }
        web.flash(answer.problem.message)
        return shop.redirect(web, to: OrderText.path(id, "/pay?phone=" + FormEncoding.encode(phone)))
    }
}
