import ShopWeb
import SokoFunctions

/// The card form for a started Stripe payment, shared by the signed-in customer's card page
/// (``CardPage``) and a guest's (``GuestCardPage``): live, Stripe.js with the publishable key and
/// the PaymentIntent's client secret; sandbox, the sandbox's test cards confirmed by the page's
/// script. `back` is where the other ways to pay are; `done` is where the script goes once the
/// card is accepted.
enum CardForm {
    static let testCards = [
        ("pm_card_visa", "Visa 4242 4242 4242 4242 (succeeds)"),
        ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 (succeeds)"),
        ("pm_card_chargeDeclined", "Visa 4000 0000 0000 0002 (declined)"),
        ("pm_card_visa_chargeDeclinedInsufficientFunds", "Visa 4000 0000 0000 9995 (insufficient funds)"),
    ]

    static func page(
        _ shop: Storefront, _ web: WebRequest, started: StartedPayment, back: String, done: String
    ) -> FunctionResponse {
        let intent = started.paymentIntentID ?? ""
        let settings = shop.settings
        let sandbox = settings.usesSandbox
        let fields: HTML =
            sandbox
            ? """
            <fieldset><legend>Test card (sandbox)</legend>
            \(testCards.enumerated().map { index, card -> HTML in
                "<div><label><input type=\"radio\" name=\"payment_method\" value=\"\(card.0)\"\(HTML.raw(index == 0 ? " checked" : ""))> \(card.1)</label></div>"
            })
            </fieldset>
            """
            : "<div class=\"field\"><label for=\"card-element\">Card details</label><div id=\"card-element\"></div></div>"
        let main: HTML = """
            <h1>Pay by card</h1>
            <noscript><p class="alert">Card payments need JavaScript. <a href="\(back)">Pay with M-Pesa instead</a>.</p></noscript>
            <form id="card-form" method="post" action="\(back)" data-mode="\(sandbox ? "sandbox" : "live")"
             data-key="\(settings.publishableKey)" data-client-secret="\(started.clientSecret ?? "")"
             data-confirm-url="/_sandbox/stripe/v1/payment_intents/\(FormEncoding.encode(intent))/confirm"
             data-done-url="\(done)">
            \(fields)
            <p id="card-errors" class="alert" role="alert" hidden></p>
            <button type="submit">Pay by card</button>
            </form>
            <p><a href="\(back)">Other ways to pay</a></p>
            """
        return shop.page(
            web, title: "Pay by card", main, data: [("payment", started.paymentID)],
            scripts: sandbox ? [] : [settings.stripeJSURL],
            policy: sandbox ? SecurityHeaders.contentSecurityPolicy : SecurityHeaders.stripe(settings.stripeJSURL))
    }
}
