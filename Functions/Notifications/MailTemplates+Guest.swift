import Contracts

extension MailTemplates {
    /// A guest's order confirmation: ``orderConfirmation(_:name:shop:)`` with the order-access link
    /// (the guest's only way back to the order: its status, payment and cancellation), how long
    /// it works, and a word on claiming the order with an account.
    static func guestOrderConfirmation(_ order: OrderEvent, name: String, url: String, days: Int, shop: String)
        -> MailContent
    {
        let subject = "We received your order \(order.reference)"
        let intro =
            order.paysOnDelivery
            ? "Thank you for your order \(order.orderID). We have set the items below aside for you."
            : "Thank you for your order \(order.orderID). We are holding the items below for you until it is paid."
        let delivery = [order.deliveryLine, order.payOnDeliveryLine].compactMap { $0 }
        let open = "See your order, pay for it or cancel it in the next \(days) days at this link:"
        let claim =
            "Keep this link to yourself: it opens your order without a password. Create an account with this email address and confirm it to see your orders there."
        let text = """
            \(MailLayout.greeting(name))

            \(([intro] + delivery).joined(separator: "\n"))

            \(open)
            \(url)

            \(claim)

            \(MailLayout.textSummary(order))
            The \(shop) team
            """
        let link = "<a href=\"\(HTML.escape(url))\">\(HTML.escape(url))</a>"
        let html = MailLayout.html(
            title: "Order \(order.reference) received", shop: shop,
            paragraphs: [
                HTML.escape(MailLayout.greeting(name)), HTML.escape(intro),
            ] + delivery.map(HTML.escape) + [HTML.escape(open) + "<br>" + link, HTML.escape(claim)],
            extra: MailLayout.htmlSummary(order))
        return MailContent(subject: subject, text: text, html: html)
    }
}
