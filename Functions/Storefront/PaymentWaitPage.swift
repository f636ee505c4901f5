import ShopWeb
import SokoFunctions

/// `GET /account/orders/{id}/wait?payment=`: "check your phone" (M-Pesa) or "confirming your
/// card" while the payment is pending; the order page once the order is paid; the reason and a
/// retry when the payment failed. Its script asks ``OrderStatus`` every 1.5 s; without
/// JavaScript the page refreshes itself every 5 s.
struct PaymentWaitPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let id = web.context.pathParameter("id") ?? ""
        let paymentID = web.request.query["payment"] ?? ""
        let here = OrderText.path(id, "/wait?payment=" + FormEncoding.encode(paymentID))
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: here) }
        let state = try await PaymentState.load(&web, orderID: id, paymentID: paymentID)
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: here) }
        switch state.state {
        case .paid:
            return shop.redirect(web, to: OrderText.path(id))
        case .failed:
            let phone = state.payment?.phone.map { "?phone=" + FormEncoding.encode($0) } ?? ""
            return shop.page(
                web, title: "Payment failed",
                """
                <h1>The payment did not go through</h1>
                <p class="alert" role="alert">\(state.reason)</p>
                <p><a href="\(OrderText.path(id, "/pay" + phone))">Try again</a></p>
                """)
        case .pending:
            let card = state.payment?.method == "stripe"
            let title = card ? "Confirming your card payment" : "Check your phone"
            let text: HTML =
                card
                ? "<p>We are waiting for the card payment to be confirmed.</p>"
                : "<p>We sent a payment prompt to \(state.payment?.phone ?? "your phone"). Enter your M-Pesa PIN there to pay.</p>"
            return shop.page(
                web, title: title,
                """
                <h1>\(title)</h1>
                \(text)
                <p role="status" aria-live="polite">Waiting for the payment… this page updates by itself.</p>
                <p id="still-waiting" hidden>Still waiting. <a href="\(here)">Check again</a> or <a href="\(OrderText.path(id, "/pay"))">try again</a>.</p>
                <p><a href="\(here)">Refresh</a></p>
                """,
                head: "<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>",
                data: [
                    ("status-url", OrderText.path(id, "/status?payment=" + FormEncoding.encode(paymentID))),
                    ("done-url", OrderText.path(id)),
                ])
        }
    }
}
