import Contracts
import ShopWeb
import SokoFunctions

/// `GET /orders/access/{token}`: a guest's order, opened by the link the order confirmation mails
/// (no sign-in: the token is the key, sent on to Orders as `X-Order-Access`). Status, lines and
/// total; while unpaid, the M-Pesa form and (where cards are taken) the way to ``GuestCardPage``.
/// A wrong or expired token is "not found".
struct GuestOrderPage: StorefrontPage {
    let shop: Storefront

    static func path(_ token: String, _ suffix: String = "") -> String {
        "/orders/access/" + FormEncoding.encode(token) + suffix
    }

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let token = web.context.pathParameter("token") ?? ""
        guard let order = try await Self.load(&web, token) else {
            throw CallProblem(status: 404, code: "order-not-found", detail: "There is no such order.", fields: [])
        }
        // The phone the guest gave at checkout, as they would type it (07…), unless a retry sends one.
        let phone = web.request.query["phone"] ?? order.guestPhone.map { "0" + String($0.dropFirst(3)) } ?? ""
        let lines = order.lines.map { line -> HTML in
            "<li>\(line.name) × \(line.quantity) · <span class=\"price\">\(shop.money(line.lineTotal, order.currency))</span></li>"
        }
        var notes: [HTML] = []
        if OrderText.isPaid(order.status) {
            notes.append("<p class=\"flash\" role=\"status\">Thank you! Your payment was received.</p>")
        } else if order.status == "pending_payment", web.request.query["card"] == "1" {
            // Back from the card form: the card was accepted, Stripe's webhook is yet to arrive.
            notes.append(
                "<p class=\"flash\" role=\"status\">Your card was accepted. The order shows paid as soon as the payment is confirmed: reload this page in a moment.</p>"
            )
        }
        let pay: HTML =
            order.status == "pending_payment"
            ? """
            <section aria-labelledby="mpesa"><h2 id="mpesa">Pay with M-Pesa</h2>
            <form method="post" action="\(Self.path(token, "/pay"))">\(web.csrfField)
            <div class="field"><label for="phone">M-Pesa phone number</label>
            <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" placeholder="0712 345678" required value="\(phone)"></div>
            <button type="submit">Pay with M-Pesa</button>
            </form>
            <p>You will get a prompt on your phone: enter your M-Pesa PIN there, then reload this page.</p></section>
            \(shop.settings.cardsOffered ? GuestCardPage.offer(token) : .empty)
            """
            : .empty
        let address = OrderText.deliverTo(order.shippingAddress)
        var response = shop.page(
            web, title: "Order \(order.id.prefix(8))",
            """
            <h1>Order \(String(order.id.prefix(8)))</h1>
            <p>Status: <span class="status" id="order-status">\(OrderText.status(order.status))</span></p>
            \(notes)
            <ul class="lines">\(lines)</ul>
            <p>Delivery: \(shop.money(order.shipping, order.currency))</p>
            <p>Total: <span class="price">\(shop.money(order.total, order.currency))</span></p>
            \(address)
            \(pay)
            <p>Keep this page's address to yourself: it opens your order without a password.
            <a href="/register">Create an account</a> with the same email to see your orders there.</p>
            """)
        // The address is a bearer link: no copy in shared caches or other sites' logs.
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Referrer-Policy", "no-referrer")
        return response
    }

    /// The order `token` opens (with the guest's phone, `2547…`, if given), or nil.
    static func load(_ web: inout WebRequest, _ token: String) async throws -> OrderDocument? {
        guard !token.isEmpty, token.utf8.count <= 64 else { return nil }
        let answer = try await web.call("orders", "openGuestOrder", RouteCall(headers: ["X-Order-Access": token]))
        guard answer.succeeded else { return nil }
        return try answer.decode(OrderDocument.self)
    }
}

/// `POST /orders/access/{token}/pay` (form `phone`): the guest's M-Pesa prompt through
/// `payments.guestPayOrder`, then back to the order's page.
struct GuestPaySubmit: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        struct Pay: Encodable {
            var method = "mpesa"
            var phone: String
        }
        let token = web.context.pathParameter("token") ?? ""
        guard let order = try await GuestOrderPage.load(&web, token) else {
            throw CallProblem(status: 404, code: "order-not-found", detail: "There is no such order.", fields: [])
        }
        let phone = form["phone"] ?? ""
        let answer = try await web.call(
            "payments", "guestPayOrder",
            RouteCall(
                pathParameters: ["id": order.id], headers: ["X-Order-Access": token],
                body: try JSONCoding.encode(Pay(phone: phone))))
        if answer.succeeded || answer.problem.code == "payment-pending" {
            web.flash("A prompt is on its way to your phone: enter your M-Pesa PIN, then reload this page.")
            return shop.redirect(web, to: GuestOrderPage.path(token))
        }
        web.flash(answer.problem.message)
        return shop.redirect(web, to: GuestOrderPage.path(token, "?phone=" + FormEncoding.encode(phone)))
    }
}
