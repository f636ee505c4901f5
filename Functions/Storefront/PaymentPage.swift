import ShopWeb
import SokoFunctions

/// `GET /account/orders/{id}/pay`: how to pay an order awaiting payment — an M-Pesa phone number
/// (the STK prompt) or a card.
struct PaymentPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let id = web.context.pathParameter("id") ?? ""
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id, "/pay")) }
        guard let order = try await OrderPage.load(&web, id) else {
            guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id, "/pay")) }
            throw CallProblem(status: 404, code: "order-not-found", detail: "There is no such order.", fields: [])
        }
        guard order.status == "pending_payment" else { return shop.redirect(web, to: OrderText.path(id)) }
        let phone = web.request.query["phone"] ?? ""
        return shop.page(
            web, title: "Pay",
            """
            <h1>Pay for your order</h1>
            <p>Total: <span class="price">\(shop.money(order.total, order.currency))</span></p>
            <section aria-labelledby="mpesa"><h2 id="mpesa">M-Pesa</h2>
            <form method="post" action="\(OrderText.path(id, "/pay/mpesa"))">\(web.csrfField)
            <div class="field"><label for="phone">M-Pesa phone number</label>
            <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" placeholder="0712 345678" required value="\(phone)"></div>
            <button type="submit">Pay with M-Pesa</button>
            </form>
            <p>You will get a prompt on your phone: enter your M-Pesa PIN there.</p></section>
            <section aria-labelledby="card"><h2 id="card">Card</h2>
            <form method="get" action="\(OrderText.path(id, "/card"))"><button type="submit">Pay by card</button></form>
            </section>
            """)
    }
}
