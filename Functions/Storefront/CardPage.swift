import ShopWeb
import SokoFunctions

/// `GET /account/orders/{id}/card`: starts (or resumes) the order's Stripe payment through
/// `payments.payOrder` and shows the card form. Live: Stripe.js with the publishable key and the
/// PaymentIntent's client secret, as Stripe documents (`confirmCardPayment`). Sandbox: the
/// sandbox's test cards, confirmed by the page's script on the sandbox's confirm endpoint with the
/// same publishable key and client secret. Card payments need JavaScript either way (Stripe's
/// card field is a script); without it the page says so and points back to M-Pesa.
struct CardPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let id = web.context.pathParameter("id") ?? ""
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id, "/pay")) }
        struct Pay: Encodable { var method = "stripe" }
        let answer = try await web.call(
            "payments", "payOrder", RouteCall(pathParameters: ["id": id], body: try JSONCoding.encode(Pay())))
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id, "/pay")) }
        guard answer.succeeded else {
            if answer.problem.code == "order-not-payable" { return shop.redirect(web, to: OrderText.path(id)) }
            web.flash(answer.problem.message)
            return shop.redirect(web, to: OrderText.path(id, "/pay"))
        }
        let started = try answer.decode(StartedPayment.self)
        return CardForm.page(
            shop, web, started: started, back: OrderText.path(id, "/pay"),
            done: OrderText.path(id, "/wait?payment=" + FormEncoding.encode(started.paymentID)))
    }
}
