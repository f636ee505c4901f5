import ShopWeb
import SokoFunctions

/// `GET /orders/access/{token}/card`: a guest's card payment — ``CardPage`` for the order the
/// emailed link opens, started (or resumed) through `payments.guestPayOrder` with the token as
/// `X-Order-Access`. Once the card is accepted the script goes back to the order's page, which
/// shows it paid when Stripe's webhook has arrived. An order no longer awaiting payment goes back
/// to its page; a wrong or expired token is "not found". Like the order's page, it is a bearer
/// link: `no-store`, and no `Referer` (the live page loads Stripe.js from Stripe's servers).
struct GuestCardPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        struct Pay: Encodable { var method = "stripe" }
        let token = web.context.pathParameter("token") ?? ""
        guard let order = try await GuestOrderPage.load(&web, token) else {
            throw CallProblem(status: 404, code: "order-not-found", detail: "There is no such order.", fields: [])
        }
        let back = GuestOrderPage.path(token)
        guard shop.settings.cardsOffered, order.status == "pending_payment" else { return shop.redirect(web, to: back) }
        let answer = try await web.call(
            "payments", "guestPayOrder",
            RouteCall(pathParameters: ["id": order.id], headers: ["X-Order-Access": token], body: try JSONCoding.encode(Pay())))
        guard answer.succeeded else {
            web.flash(answer.problem.message)
            return shop.redirect(web, to: back)
        }
        var response = CardForm.page(
            shop, web, started: try answer.decode(StartedPayment.self), back: back, done: GuestOrderPage.path(token, "?card=1"))
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Referrer-Policy", "no-referrer")
        return response
    }

    /// The guest order page's card section: a link-like form to this page.
    static func offer(_ token: String) -> HTML {
        """
        <section aria-labelledby="card"><h2 id="card">Card</h2>
        <form method="get" action="\(GuestOrderPage.path(token, "/card"))"><button type="submit">Pay by card</button></form>
        </section>
        """
    }
}
