import Contracts

extension MailTemplates {
    /// The refund email: the amount, where it went, and whether anything is still held.
    static func refund(_ refund: PaymentRefunded, name: String, shop: String) -> MailContent {
        let reference = "#" + String(refund.orderID.prefix(8)).uppercased()
        let amount = Money.format(refund.amount, currency: refund.currency)
        let subject = "Refund of \(amount) for your order \(reference)"
        let destination: String
        switch refund.method.lowercased() {
        case "mpesa", "m-pesa": destination = "It has been sent back to the M-Pesa number you paid with."
        case "stripe", "card": destination = "It has been sent back to your card; your bank may take a few days to show it."
        default: destination = "It has been sent back the way you paid."
        }
        let what = "We refunded \(amount) of your payment for order \(refund.orderID)."
        let total =
            refund.full
            ? "Your payment has now been refunded in full."
            : "\(Money.format(refund.refundedAmount, currency: refund.currency)) has been refunded so far."
        let text = """
            \(MailLayout.greeting(name))

            \(what)
            \(destination)
            \(total)

            The \(shop) team
            """
        let html = MailLayout.html(
            title: "Refund of \(amount)", shop: shop,
            paragraphs: [HTML.escape(MailLayout.greeting(name)), HTML.escape(what), HTML.escape(destination), HTML.escape(total)])
        return MailContent(subject: subject, text: text, html: html)
    }
}
