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

    static let testCards = [
        ("pm_card_visa", "Visa 4242 4242 4242 4242 (succeeds)"),
        ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 (succeeds)"),
        ("pm_card_chargeDeclined", "Visa 4000 0000 0000 0002 (declined)"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "Visa 4000 0000 0000 9995 (insufficient funds)"),
    ]

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
        let intent = started.paymentIntentID ?? ""
        let settings = shop.settings
        let sandbox = settings.usesSandbox
        let fields: HTML =
            sandbox
            ? """
            <fieldset><legend>Test card (sandbox)</legend>
            \(Self.testCards.enumerated().map { index, card -> HTML in
                "<div><label><input type=\"radio\" name=\"payment_method\" value=\"\(card.0)\"\(HTML.raw(index == 0 ? " checked" : ""))> \(card.1)</label></div>"
            })
            </fieldset>
            """
            : "<div class=\"field\"><label for=\"card-element\">Card details</label><div id=\"card-element\"></div></div>"
        var data: [(String, String)] = []
        data.append(("payment", started.paymentID))
        let main: HTML = """
            <h1>Pay by card</h1>
            <noscript><p class="alert">Card payments need JavaScript. <a href="\(OrderText.path(id, "/pay"))">Pay with M-Pesa instead</a>.</p></noscript>
            <form id="card-form" method="post" action="\(OrderText.path(id, "/pay"))" data-mode="\(sandbox ? "sandbox" : "live")"
             data-key="\(settings.publishableKey)" data-client-secret="\(started.clientSecret ?? "")"
             data-confirm-url="/_sandbox/stripe/v1/payment_intents/\(FormEncoding.encode(intent))/confirm"
             data-done-url="\(OrderText.path(id, "/wait?payment=" + FormEncoding.encode(started.paymentID)))">
            \(fields)
            <p id="card-errors" class="alert" role="alert" hidden></p>
            <button type="submit">Pay by card</button>
            </form>
            <p><a href="\(OrderText.path(id, "/pay"))">Other ways to pay</a></p>
            """
        return shop.page(
            web, title: "Pay by card", main, data: data, scripts: sandbox ? [] : [settings.stripeJSURL],
            policy: sandbox ? SecurityHeaders.contentSecurityPolicy : SecurityHeaders.stripe(settings.stripeJSURL))
    }
}
