import Contracts
import ShopWeb
import SokoFunctions

/// `GET /admin/sales/{id}` — one order: lines, totals, address, payment and shipping, its
/// timeline, and the buttons for the moves its state allows (ship with carrier and tracking
/// number, deliver, cancel — which refunds a paid card payment).
struct ConsoleSale: DependentRawFunction {
    let console: Console

    func run(_ request: FunctionRequest, context: FunctionContext) async throws -> FunctionResponse {
        var page = ConsoleRequest(request, context: context, console: console)
        if let refusal = try await page.admit() { return refusal }
        return try await Self.render(&page, id: context.pathParameter("id") ?? "", errors: [])
    }

    static func render(_ page: inout ConsoleRequest, id: String, errors: [String], carrier: String = "", tracking: String = "")
        async throws -> FunctionResponse
    {
        let answer = try await page.web.call("orders", "adminGetOrder", RouteCall(pathParameters: ["id": id]))
        guard answer.succeeded else {
            let title = answer.status == 404 ? "No such order" : "Order"
            return page.page(
                title, status: answer.status, current: .sales,
                main:
                    "<h1>\(title)</h1>\(ConsoleLayout.errors([answer.problem.message]))<p><a href=\"/admin/sales\">All orders</a></p>"
            )
        }
        let order = try answer.decode(OrderDocument.self)
        let currency = order.currency ?? "KES"
        let csrf = page.web.csrfField
        let lines = HTML.join(
            order.lines.map { line -> HTML in
                """
                <tr><td>\(line.name)\(line.optionText.map { " (\($0))" } ?? "")<br><small>SKU \(line.sku) · \(MoneyText.format(line.unitPrice, currency: currency)) each</small></td>\
                <td class="num">\(line.quantity)</td><td class="num">\(MoneyText.format(line.lineTotal, currency: currency))</td></tr>
                """
            })
        let discount = order.discount
        let discountRow: HTML =
            discount == 0
            ? .empty
            : """
            <tr><th scope="row" colspan="2">Discount\(order.couponCode.map { " (coupon \($0))" } ?? "")</th>\
            <td class="num">−\(MoneyText.format(discount, currency: currency))</td></tr>
            """
        // Tax added on top is a row above the total; VAT a VAT-inclusive total contains is shown under it.
        let vatRate = (order.vatRateBasisPoints ?? 0) / 100
        let taxRow: HTML =
            order.pricesIncludeVAT
            ? "<tr><th scope=\"row\" colspan=\"2\">incl. VAT \(vatRate)%</th><td class=\"num\">\(MoneyText.format(order.tax, currency: currency))</td></tr>"
            : "<tr><th scope=\"row\" colspan=\"2\">Tax</th><td class=\"num\">\(MoneyText.format(order.tax, currency: currency))</td></tr>"
        let timeline = HTML.join(
            (order.transitions ?? []).map { step -> HTML in
                let reason: HTML = step.reason.map { " (\($0))" } ?? .empty
                return
                    "<li><time datetime=\"\(step.at)\">\(ConsoleLayout.time(step.at))</time> \(StatusText.order(step.to))\(reason) — \(step.actor)</li>"
            })
        let next = Set(order.nextStates ?? [])
        var actions: [HTML] = []
        if order.status == "confirmed" { actions.append(ConsoleCollect.form(order, csrf: csrf)) }
        if next.contains("shipped") {
            actions.append(
                """
                <form class="stack" method="post" action="/admin/sales/\(order.id)/ship">\(csrf)
                <h3>Ship</h3>
                <label>Carrier <input name="carrier" value="\(carrier)" required maxlength="100"></label>
                <label>Tracking number <input name="tracking_number" value="\(tracking)" required maxlength="100" spellcheck="false"></label>
                <button type="submit">Ship</button>
                </form>
                """)
        }
        if next.contains("delivered") {
            actions.append(
                """
                <form method="post" action="/admin/sales/\(order.id)/deliver">\(csrf)
                <h3>Delivery</h3><p>Mark it delivered once the customer has it.</p>
                <button type="submit">Deliver</button></form>
                """)
        }
        if next.contains("cancelled") {
            let note: HTML =
                ConsoleCollect.cancelNote(order)
                ?? (order.status == "paid"
                    ? "A paid order is refunded: card payments at once, M-Pesa payments by a reversal through Safaricom."
                    : "The reserved stock goes back on sale.")
            actions.append(
                """
                <form method="post" action="/admin/sales/\(order.id)/cancel">\(csrf)
                <h3>Cancel</h3><p>\(note)</p>
                <button type="submit" class="danger">Cancel order</button></form>
                """)
        }
        let address = order.shippingAddress
        let addressLines = [
            address.name, address.line1, address.line2, address.city, address.postalCode, address.country, address.phone,
        ]
        .compactMap { $0 }.filter { !$0.isEmpty }
        return page.page(
            "Order \(ConsoleLayout.short(order.id))", status: errors.isEmpty ? 200 : 422, current: .sales,
            main: """
                <p><a href="/admin/sales">All orders</a></p>
                <h1>Order \(ConsoleLayout.short(order.id))</h1>
                \(ConsoleLayout.errors(errors))
                <dl class="facts">
                <dt>Status</dt><dd><span class="badge \(order.status)">\(StatusText.order(order.status))</span></dd>
                <dt>Order id</dt><dd>\(order.id)</dd>
                <dt>Placed</dt><dd>\(ConsoleLayout.time(order.createdAt))</dd>
                <dt>Paid</dt><dd>\(ConsoleLayout.time(order.paidAt))</dd>
                <dt>Customer</dt><dd>\(order.guestEmail.map { "Guest: \($0)" + (order.guestPhone.map { ", +\($0)" } ?? "") } ?? order.customerID)</dd>
                \(ConsoleCollect.facts(order))
                <dt>Carrier</dt><dd>\(order.carrier ?? "—")</dd>
                <dt>Tracking number</dt><dd>\(order.trackingNumber ?? "—")</dd>
                <dt>Ship to</dt><dd>\(addressLines.joined(separator: ", "))</dd>
                </dl>
                <h2>Items</h2>
                <div class="table"><table class="fit">
                <thead><tr><th scope="col">Product</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Total</th></tr></thead>
                <tbody>\(lines)</tbody>
                <tfoot>
                <tr><th scope="row" colspan="2">Subtotal</th><td class="num">\(MoneyText.format(order.subtotal, currency: currency))</td></tr>
                \(discountRow)
                <tr><th scope="row" colspan="2">Shipping</th><td class="num">\(MoneyText.format(order.shipping, currency: currency))</td></tr>
                \(order.pricesIncludeVAT ? "" : taxRow)
                <tr><th scope="row" colspan="2">Total</th><td class="num">\(MoneyText.format(order.total, currency: currency))</td></tr>
                \(order.pricesIncludeVAT ? taxRow : "")
                </tfoot>
                </table></div>
                <h2>Actions</h2>
                \(actions.isEmpty ? HTML.raw("<p>Nothing more to do: the order is \(HTML.escape(StatusText.order(order.status).lowercased())).</p>") : "<div class=\"actions\">\(actions)</div>")
                <h2>Timeline</h2>
                <ol class="timeline">\(timeline)</ol>
                """)
    }
}
