import Contracts
import ShopWeb
import SokoFunctions

/// `GET /account/orders/{id}`: an order's status, lines, address and tracking; after payment, the
/// confirmation. Someone else's order is "not found" (the Orders bundle checks the owner).
struct OrderPage: StorefrontPage {
    let shop: Storefront

    func respond(_ web: inout WebRequest, form: FormBody) async throws -> FunctionResponse {
        let id = web.context.pathParameter("id") ?? ""
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id)) }
        let order = try await Self.load(&web, id)
        guard web.session.isSignedIn else { return shop.signInFirst(web, next: OrderText.path(id)) }
        guard let order else {
            throw CallProblem(status: 404, code: "order-not-found", detail: "There is no such order.", fields: [])
        }
        let timeline = try await OrderDeliveryView.timeline(&web, order.id)
        let lines = order.lines.map { line -> HTML in
            "<li>\(line.name)\(line.optionText.map { " (\($0))" } ?? "") × \(line.quantity) · <span class=\"price\">\(shop.money(line.lineTotal, order.currency))</span></li>"
        }
        var notes: [HTML] = []
        if OrderText.isPaid(order.status) {
            notes.append("<p class=\"flash\" role=\"status\">Thank you! Your payment was received.</p>")
        }
        if order.status == "pending_payment" {
            notes.append("<p><a href=\"\(OrderText.path(order.id, "/pay"))\">Pay for this order</a></p>")
        }
        if let tracking = order.trackingNumber {
            notes.append("<p>Tracking number: <strong>\(tracking)</strong>\(order.carrier.map { " (\($0))" as HTML })</p>")
        }
        let discount: HTML =
            order.discount == 0
            ? .empty
            : "<p>Discount\(order.couponCode.map { " (\($0))" as HTML }): −\(shop.money(order.discount, order.currency))</p>"
        // VAT a VAT-inclusive total contains is shown under it; tax added on top, above it.
        let taxAmount = order.tax
        let tax: HTML =
            taxAmount == 0
            ? .empty
            : order.pricesIncludeVAT
                ? "<p>incl. VAT \((order.vatRateBasisPoints ?? 0) / 100)%: \(shop.money(taxAmount, order.currency))</p>"
                : "<p>Tax: \(shop.money(taxAmount, order.currency))</p>"
        let address = OrderText.deliverTo(order.shippingAddress)
        return shop.page(
            web, title: "Order \(order.id.prefix(8))",
            """
            <h1>Order \(String(order.id.prefix(8)))</h1>
            <p>Status: <span class="status" id="order-status">\(OrderText.status(order.status))</span></p>
            \(notes)
            <ul class="lines">\(lines)</ul>
            \(discount)
            \(OrderDeliveryView.summary(order, shop: shop))
            \(order.pricesIncludeVAT ? .empty : tax)
            <p>Total: <span class="price">\(shop.money(order.total, order.currency))</span></p>
            \(order.pricesIncludeVAT ? tax : .empty)
            \(address)
            \(OrderDeliveryView.timelineSection(timeline))
            <p><a href="/account/orders">My orders</a></p>
            """)
    }

    /// The shopper's order, or nil when there is none for them.
    static func load(_ web: inout WebRequest, _ id: String) async throws -> OrderDocument? {
        let answer = try await web.call("orders", "getOrder", RouteCall(pathParameters: ["id": id]))
        if answer.status == 404 || answer.status == 401 || answer.status == 403 || answer.status == 422 { return nil }
        return try answer.decode(OrderDocument.self)
    }
}
